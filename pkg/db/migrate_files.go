package db

import (
	"cmp"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// migrationName matches NNNN_name.sql.
var migrationName = regexp.MustCompile(`^([0-9]+)_([A-Za-z0-9_.-]+)\.sql$`)

// migration is one file of a dialect dir.
type migration struct {
	version int64
	file    string // base name, recorded in schema_migrations.name
	path    string // path inside the fs, used in error messages
}

// loadMigrations lists the migrations of dialect in version order and checks
// that every dialect dir holds the same versions.
func loadMigrations(fsys fs.FS, dialect string) ([]migration, error) {
	var want []migration
	versions := map[string][]int64{}
	for _, d := range []string{DriverMySQL, DriverSQLite} {
		ms, err := readDir(fsys, d)
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			versions[d] = append(versions[d], m.version)
		}
		if d == dialect {
			want = ms
		}
	}
	if !slices.Equal(versions[DriverMySQL], versions[DriverSQLite]) {
		return nil, fmt.Errorf("%w: versions differ: mysql/ has %v, sqlite/ has %v",
			ErrBadMigrations, versions[DriverMySQL], versions[DriverSQLite])
	}
	return want, nil
}

// readDir returns the migrations of one dir sorted by version.
func readDir(fsys fs.FS, dir string) ([]migration, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("%w: want dirs mysql/ and sqlite/ at the root: %w", ErrBadMigrations, err)
	}
	var ms []migration
	seen := map[int64]string{}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		p := path.Join(dir, e.Name())
		sub := migrationName.FindStringSubmatch(e.Name())
		if sub == nil {
			return nil, fmt.Errorf("%w: %s: want NNNN_name.sql", ErrBadMigrations, p)
		}
		v, err := strconv.ParseInt(sub[1], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: version: %w", ErrBadMigrations, p, err)
		}
		if other, dup := seen[v]; dup {
			return nil, fmt.Errorf("%w: %s and %s share version %d", ErrBadMigrations, other, p, v)
		}
		seen[v] = p
		ms = append(ms, migration{version: v, file: e.Name(), path: p})
	}
	slices.SortFunc(ms, func(a, b migration) int { return cmp.Compare(a.version, b.version) })
	return ms, nil
}

// splitStatements splits a migration file into statements. A statement ends
// with a line whose last non-blank character is ';' (the ';' is dropped).
// Lines starting with "--" are comments and never end a statement; chunks
// holding only comments and blanks are dropped.
func splitStatements(src string) []string {
	var (
		out     []string
		cur     strings.Builder
		hasCode bool
	)
	flush := func() {
		if hasCode {
			out = append(out, strings.TrimSpace(cur.String()))
		}
		cur.Reset()
		hasCode = false
	}
	for line := range strings.Lines(src) {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "--") {
			cur.WriteString(line)
			continue
		}
		if strings.TrimSpace(strings.TrimSuffix(trimmed, ";")) != "" {
			hasCode = true
		}
		if strings.HasSuffix(trimmed, ";") {
			cur.WriteString(strings.TrimSuffix(strings.TrimRight(line, " \t\r\n"), ";"))
			flush()
			continue
		}
		cur.WriteString(line)
	}
	flush()
	return out
}
