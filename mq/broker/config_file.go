package broker

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
)

// loadJSON reads a persisted table; a missing file leaves v untouched.
// A damaged file is not ignored: the broker refuses to start rather than
// silently forget topics or offsets, and the file can be repaired from its
// ".bak" copy.
func loadJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%w: %w", ErrConfigFile, err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%w: %s: %w", ErrConfigFile, path, err)
	}
	return nil
}

// saveJSON writes v atomically: a temp file, fsync, the old file kept as
// ".bak", then a rename.
func saveJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("%w: %s: %w", ErrConfigFile, path, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("%w: %w", ErrConfigFile, err)
	}
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrConfigFile, err)
	}
	_, werr := f.Write(b)
	serr := f.Sync()
	cerr := f.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		return fmt.Errorf("%w: %s: %w", ErrConfigFile, tmp, err)
	}
	if old, err := os.ReadFile(path); err == nil {
		_ = os.WriteFile(path+".bak", old, 0o644)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("%w: %w", ErrConfigFile, err)
	}
	return nil
}

// dirtyFile persists a table that is written to in memory and saved now
// and then. The owner marks it dirty under its own lock; save writes a
// snapshot only when something changed, one save at a time so an older
// snapshot never overwrites a newer one, and marks the table dirty again
// when the write failed.
type dirtyFile struct {
	path    string
	persist sync.Mutex
	dirty   bool // guarded by the owner's lock
}

// save calls snapshot with the owner's lock mu held, then writes the
// snapshot without it.
func (d *dirtyFile) save(mu *sync.Mutex, snapshot func() any) error {
	d.persist.Lock()
	defer d.persist.Unlock()
	mu.Lock()
	if !d.dirty {
		mu.Unlock()
		return nil
	}
	v := snapshot()
	d.dirty = false
	mu.Unlock()
	if err := saveJSON(d.path, v); err != nil {
		mu.Lock()
		d.dirty = true
		mu.Unlock()
		return err
	}
	return nil
}
