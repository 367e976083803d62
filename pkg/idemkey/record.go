package idemkey

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
)

// Record states.
const (
	statePending = "pending"
	stateDone    = "done"
)

// record is the JSON value stored under a key.
type record struct {
	State       string `json:"state"`
	BodySHA256  string `json:"body_sha256"`
	Path        string `json:"path"`
	Status      int    `json:"status,omitempty"`
	ContentType string `json:"content_type,omitempty"`
	Body        []byte `json:"body,omitempty"`
}

// sameRequest reports whether rec was stored for the request with this body
// digest and path.
func (rec record) sameRequest(bodySHA, path string) bool {
	return rec.BodySHA256 == bodySHA && rec.Path == path
}

func digest(body []byte) string {
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}

func encodeRecord(rec record) string {
	b, _ := json.Marshal(rec) // plain strings, ints and bytes: cannot fail
	return string(b)
}

func decodeRecord(s string) (record, error) {
	var rec record
	if err := json.Unmarshal([]byte(s), &rec); err != nil {
		return rec, fmt.Errorf("%w: %w", ErrCorruptRecord, err)
	}
	switch {
	case rec.State == statePending:
	case rec.State == stateDone && rec.Status >= 100 && rec.Status <= 999:
	default:
		return rec, fmt.Errorf("%w: state %q status %d", ErrCorruptRecord, rec.State, rec.Status)
	}
	return rec, nil
}
