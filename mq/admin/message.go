package admin

import (
	"bytes"
	"compress/zlib"
	"encoding/hex"
	"fmt"
	"io"
	"net/netip"
	"strings"

	"github.com/sagashop/sagashop/mq/message"
)

// maxInflatedBody caps what InflatedBody decompresses, so that a
// compressed body cannot make the tool allocate without bound. It is four
// times the broker's default maxMessageSize.
const maxInflatedBody = 16 << 20

// Message is a stored message as VIEW_MESSAGE_BY_ID, QUERY_MESSAGE and
// PULL_MESSAGE return it (Java MessageExt).
type Message struct {
	message.Message
	// BrokerName is the broker group it was read from, "" when the call
	// went to an address taken from a message id.
	BrokerName string
}

// OffsetMsgID is the broker's id of the stored message: its store host
// and CommitLog offset in hex.
func (m Message) OffsetMsgID() string {
	return message.OffsetMsgID(m.StoreHost, m.PhysicalOffset)
}

// MsgID is the id users see: the UNIQ_KEY the producer set, or the
// offset message id when the message has none.
func (m Message) MsgID() string {
	if u, ok := message.Property(m.Properties, message.PropUniqKey); ok && u != "" {
		return u
	}
	return m.OffsetMsgID()
}

// Property returns the value of a property ("" when absent).
func (m Message) Property(key string) string {
	v, _ := message.Property(m.Properties, key)
	return v
}

// Keys returns the KEYS property split on spaces.
func (m Message) Keys() []string { return strings.Fields(m.Property(message.PropKeys)) }

// HasKey reports whether key is one of the message's KEYS.
func (m Message) HasKey(key string) bool {
	for _, k := range m.Keys() {
		if k == key {
			return true
		}
	}
	return false
}

// Compressed reports whether the stored body is zlib-compressed.
func (m Message) Compressed() bool { return m.SysFlag&message.FlagCompressed != 0 }

// InflatedBody returns the body as the producer gave it: decompressed
// when the stored body is compressed, else the stored body itself.
func (m Message) InflatedBody() ([]byte, error) {
	if !m.Compressed() {
		return m.Body, nil
	}
	zr, err := zlib.NewReader(bytes.NewReader(m.Body))
	if err != nil {
		return nil, fmt.Errorf("admin: inflate body of %s: %w", m.OffsetMsgID(), err)
	}
	defer zr.Close()
	b, err := io.ReadAll(io.LimitReader(zr, maxInflatedBody+1))
	if err != nil {
		return nil, fmt.Errorf("admin: inflate body of %s: %w", m.OffsetMsgID(), err)
	}
	if len(b) > maxInflatedBody {
		return nil, fmt.Errorf("admin: inflate body of %s: more than %d bytes", m.OffsetMsgID(), maxInflatedBody)
	}
	return b, nil
}

// decodeMessages decodes records stored back to back.
func decodeMessages(body []byte, brokerName string) ([]Message, error) {
	recs, err := message.DecodeAll(body)
	if err != nil {
		return nil, fmt.Errorf("admin: decode messages: %w", err)
	}
	out := make([]Message, len(recs))
	for i, r := range recs {
		out[i] = Message{Message: r, BrokerName: brokerName}
	}
	return out, nil
}

// ParseOffsetMsgID returns the store host and CommitLog offset an offset
// message id names. It is stricter than message.ParseOffsetMsgID: the
// port field must hold a port and the offset must not be negative, which
// tells apart the Go client's UNIQ_KEYs (also 32 hex digits, but with the
// pid where the port's high half would be). Errors wrap ErrBadMsgID.
func ParseOffsetMsgID(id string) (netip.AddrPort, int64, error) {
	host, off, err := message.ParseOffsetMsgID(id)
	if err != nil {
		return host, 0, fmt.Errorf("%w: %w", ErrBadMsgID, err)
	}
	raw, _ := hex.DecodeString(id) // ParseOffsetMsgID decoded it already
	portField := raw[len(raw)-12 : len(raw)-8]
	if portField[0] != 0 || portField[1] != 0 || host.Port() == 0 || off < 0 || !host.Addr().IsValid() {
		return host, 0, fmt.Errorf("%w: %q does not decode to host:port and offset (port field %X, offset %d)",
			ErrBadMsgID, id, portField, off)
	}
	return host, off, nil
}
