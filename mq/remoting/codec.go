package remoting

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"slices"
)

// DefaultMaxFrameSize is the largest frame accepted by default (16 MiB,
// as Java's remoting).
const DefaultMaxFrameSize = 16 << 20

// maxHeaderSize bounds a header inside a frame.
const maxHeaderSize = 1 << 20

// AppendFrame appends the frame of c to dst.
func AppendFrame(dst []byte, c *Command) ([]byte, error) {
	var ext sortedExt
	ext.init(c.ExtFields)
	// Enough for a ROCKETMQ header; for JSON with some room for escapes
	// (\u0001 in properties).
	text := len(c.Language) + len(c.Remark) + ext.size
	dst = slices.Grow(dst, 8+128+text+text/4+8*ext.len()+len(c.Body))
	start := len(dst)
	dst = append(dst, 0, 0, 0, 0, 0, 0, 0, 0)
	var err error
	switch c.Serialize {
	case JSON:
		dst = appendJSONHeader(dst, c, &ext)
	case RocketMQ:
		dst, err = appendRocketMQHeader(dst, c, &ext)
	default:
		return dst[:start], fmt.Errorf("%w: serialize type %d", ErrBadHeader, c.Serialize)
	}
	if err != nil {
		return dst[:start], err
	}
	headerLen := len(dst) - start - 8
	if headerLen > 0xFFFFFF {
		return dst[:start], fmt.Errorf("%w: header of %d bytes", ErrBadHeader, headerLen)
	}
	if total := 4 + headerLen + len(c.Body); total > math.MaxInt32 {
		return dst[:start], fmt.Errorf("%w: frame of %d bytes", ErrFrameTooLarge, total)
	}
	dst = append(dst, c.Body...)
	binary.BigEndian.PutUint32(dst[start:], uint32(len(dst)-start-4))
	binary.BigEndian.PutUint32(dst[start+4:], uint32(c.Serialize)<<24|uint32(headerLen))
	return dst, nil
}

// FrameError describes a frame that was read but cannot be served. Its
// Opaque and Code come from the header when it could be decoded, so the
// reader can still answer the request.
type FrameError struct {
	Err    error
	Header *Command // the decoded header, or nil
	Size   int      // the announced frame size
}

func (e *FrameError) Error() string { return e.Err.Error() }
func (e *FrameError) Unwrap() error { return e.Err }

// ReadFrame reads one frame from r. A frame larger than maxFrame is not
// read past its header: the error is a *FrameError wrapping
// ErrFrameTooLarge, and the stream can no longer be used. Memory for a
// large frame is taken as its bytes arrive, so a peer that announces a
// large frame and stalls does not cost the announced size.
func ReadFrame(r *bufio.Reader, maxFrame int) (*Command, error) {
	v, err := readUint32(r)
	if err != nil {
		return nil, err
	}
	total := int(int32(v))
	if total < 4 {
		return nil, &FrameError{Err: fmt.Errorf("%w: length %d", ErrBadFrame, total), Size: total}
	}
	if total > maxFrame {
		fe := &FrameError{Err: fmt.Errorf("%w: %d bytes, limit %d", ErrFrameTooLarge, total, maxFrame), Size: total}
		// Peek at the header so the caller can answer with the opaque;
		// a header is read only when it is within the limit too.
		if v, err := readUint32(r); err == nil {
			st, hl := SerializeType(v>>24), int(v&0xFFFFFF)
			if hl <= maxHeaderSize && hl <= maxFrame-4 && hl <= total-4 {
				hdr := make([]byte, hl)
				if _, err := io.ReadFull(r, hdr); err == nil {
					fe.Header, _ = decodeHeader(st, hdr)
				}
			}
		}
		return nil, fe
	}
	frame, err := readN(r, total)
	if err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	c, err := DecodeFrame(frame)
	if err != nil {
		return nil, &FrameError{Err: err, Header: c, Size: total}
	}
	return c, nil
}

// readUint32 reads a big-endian uint32 like io.ReadFull would, without
// the allocation of a buffer passed to an io.Reader.
func readUint32(r *bufio.Reader) (uint32, error) {
	b, err := r.Peek(4)
	if err != nil {
		if len(b) > 0 && err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return 0, err
	}
	r.Discard(4)
	return binary.BigEndian.Uint32(b), nil
}

// eagerFrameSize is the largest frame whose buffer is allocated before
// its bytes arrive.
const eagerFrameSize = 1 << 20

// readN reads n bytes. Beyond eagerFrameSize the buffer doubles as data
// arrives instead of being allocated whole up front.
func readN(r *bufio.Reader, n int) ([]byte, error) {
	if n <= eagerFrameSize || r.Buffered() >= n {
		buf := make([]byte, n)
		_, err := io.ReadFull(r, buf)
		return buf, err
	}
	buf := make([]byte, 0, eagerFrameSize)
	for len(buf) < n {
		if len(buf) == cap(buf) {
			nb := make([]byte, len(buf), min(2*cap(buf), n))
			copy(nb, buf)
			buf = nb
		}
		m, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+m]
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
	}
	return buf, nil
}

// DecodeFrame decodes a frame without its leading length field. The body
// aliases frame.
func DecodeFrame(frame []byte) (*Command, error) {
	if len(frame) < 4 {
		return nil, fmt.Errorf("%w: %d bytes", ErrBadFrame, len(frame))
	}
	v := binary.BigEndian.Uint32(frame)
	st, headerLen := SerializeType(v>>24), int(v&0xFFFFFF)
	if headerLen > len(frame)-4 {
		return nil, fmt.Errorf("%w: header length %d, frame %d", ErrBadFrame, headerLen, len(frame))
	}
	c, err := decodeHeader(st, frame[4:4+headerLen])
	if err != nil {
		return nil, err
	}
	if body := frame[4+headerLen:]; len(body) > 0 {
		c.Body = body
	}
	return c, nil
}

func decodeHeader(st SerializeType, hdr []byte) (*Command, error) {
	switch st {
	case JSON:
		return decodeJSONHeader(hdr)
	case RocketMQ:
		return decodeRocketMQHeader(hdr)
	}
	return nil, fmt.Errorf("%w: serialize type %d", ErrBadHeader, st)
}
