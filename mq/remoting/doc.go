// Package remoting implements RocketMQ 4.x's remoting protocol: the
// RemotingCommand, its frame codec with JSON and ROCKETMQ (binary) header
// serialization, the request and response codes, and a connection type
// that carries requests both ways over one TCP connection. A Server
// dispatches incoming requests by code to a Handler; Dial opens a client
// connection. The broker uses the same Conn to send requests such as
// CHECK_TRANSACTION_STATE back over a client's own connection.
//
// Frame (big-endian):
//
//	int32 totalLen      = 4 + headerLen + bodyLen (not counting itself)
//	int32 typeAndLen    = serializeType<<24 | headerLen
//	byte[headerLen]       header (JSON object, or the binary layout in codec_rocketmq.go)
//	byte[bodyLen]         body
package remoting
