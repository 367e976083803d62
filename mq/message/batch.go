package message

import (
	"encoding/binary"
	"fmt"
)

// BatchItem is one message of a SEND_BATCH_MESSAGE body.
type BatchItem struct {
	Flag       int32
	Body       []byte
	Properties string
}

// DecodeBatch splits a batch body: per message int32 totalSize, int32
// magic, int32 bodyCRC, int32 flag, int32 bodyLen, body, int16 propLen,
// properties. Bodies alias b.
func DecodeBatch(b []byte) ([]BatchItem, error) {
	var items []BatchItem
	for off := 0; off < len(b); {
		r := reader{b: b, off: off}
		total := int(int32(r.u32()))
		if r.err != nil {
			return nil, fmt.Errorf("batch item %d: %w", len(items), r.err)
		}
		if total < 22 || total > len(b)-off {
			return nil, fmt.Errorf("batch item %d: %w: size %d with %d bytes left", len(items), ErrMalformed, total, len(b)-off)
		}
		r.b = b[:off+total]
		r.u32() // magic
		r.u32() // body CRC
		var it BatchItem
		it.Flag = int32(r.u32())
		it.Body = r.bytes(int(int32(r.u32())))
		it.Properties = string(r.bytes(int(int16(r.u16()))))
		if r.err != nil {
			return nil, fmt.Errorf("batch item %d: %w", len(items), r.err)
		}
		if r.off != off+total {
			return nil, fmt.Errorf("batch item %d: %w: size %d but fields end at %d", len(items), ErrMalformed, total, r.off-off)
		}
		items = append(items, it)
		off += total
	}
	return items, nil
}

// AppendBatchItem appends one message in batch encoding to dst, as the
// client's MarshalMessageBatch does.
func AppendBatchItem(dst []byte, it BatchItem) []byte {
	b := binary.BigEndian
	dst = b.AppendUint32(dst, uint32(20+len(it.Body)+2+len(it.Properties)))
	dst = b.AppendUint32(dst, 0)
	dst = b.AppendUint32(dst, 0)
	dst = b.AppendUint32(dst, uint32(it.Flag))
	dst = b.AppendUint32(dst, uint32(len(it.Body)))
	dst = append(dst, it.Body...)
	dst = b.AppendUint16(dst, uint16(len(it.Properties)))
	return append(dst, it.Properties...)
}
