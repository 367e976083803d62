package remoting

import (
	"encoding/binary"
	"fmt"
)

// The ROCKETMQ header layout:
//
//	int16 code | int8 language | int16 version | int32 opaque | int32 flag |
//	int32 remarkLen | remark | int32 extLen | ext
//
// where ext repeats int16 keyLen | key | int32 valLen | value.

func languageCode(name string) byte {
	for i, n := range languages {
		if n == name {
			return byte(i)
		}
	}
	return 9 // GO
}

func appendRocketMQHeader(dst []byte, c *Command, ext *sortedExt) ([]byte, error) {
	b := binary.BigEndian
	dst = b.AppendUint16(dst, uint16(c.Code))
	dst = append(dst, languageCode(c.Language))
	dst = b.AppendUint16(dst, uint16(c.Version))
	dst = b.AppendUint32(dst, uint32(c.Opaque))
	dst = b.AppendUint32(dst, uint32(c.Flag))
	dst = b.AppendUint32(dst, uint32(len(c.Remark)))
	dst = append(dst, c.Remark...)
	extLenAt := len(dst)
	dst = append(dst, 0, 0, 0, 0)
	for i := range ext.len() {
		k, v := ext.at(i)
		if len(k) > 0x7FFF {
			return dst, fmt.Errorf("%w: ext key of %d bytes", ErrBadHeader, len(k))
		}
		dst = b.AppendUint16(dst, uint16(len(k)))
		dst = append(dst, k...)
		dst = b.AppendUint32(dst, uint32(len(v)))
		dst = append(dst, v...)
	}
	b.PutUint32(dst[extLenAt:], uint32(len(dst)-extLenAt-4))
	return dst, nil
}

func decodeRocketMQHeader(h []byte) (*Command, error) {
	bad := func(what string) (*Command, error) {
		return nil, fmt.Errorf("%w: rocketmq header: %s", ErrBadHeader, what)
	}
	b := binary.BigEndian
	if len(h) < 17 {
		return bad("too short")
	}
	c := &Command{
		Code: int16(b.Uint16(h)), Language: languageName(h[2]), Version: int16(b.Uint16(h[3:])),
		Opaque: int32(b.Uint32(h[5:])), Flag: int32(b.Uint32(h[9:])), Serialize: RocketMQ,
		ExtFields: map[string]string{},
	}
	p := 13
	remarkLen := int(int32(b.Uint32(h[p:])))
	p += 4
	if remarkLen < 0 || remarkLen > len(h)-p {
		return bad("remark length")
	}
	c.Remark = string(h[p : p+remarkLen])
	p += remarkLen
	if len(h)-p < 4 {
		return bad("missing ext length")
	}
	extLen := int(int32(b.Uint32(h[p:])))
	p += 4
	if extLen < 0 || extLen != len(h)-p {
		return bad("ext length")
	}
	for p < len(h) {
		if len(h)-p < 2 {
			return bad("ext key length")
		}
		kl := int(int16(b.Uint16(h[p:])))
		p += 2
		if kl < 0 || kl > len(h)-p {
			return bad("ext key")
		}
		k := string(h[p : p+kl])
		p += kl
		if len(h)-p < 4 {
			return bad("ext value length")
		}
		vl := int(int32(b.Uint32(h[p:])))
		p += 4
		if vl < 0 || vl > len(h)-p {
			return bad("ext value")
		}
		c.ExtFields[k] = string(h[p : p+vl])
		p += vl
	}
	return c, nil
}
