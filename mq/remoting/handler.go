package remoting

// Handler serves requests arriving on a connection.
//
// Serve is called on the connection's read goroutine, one request at a
// time, so it must not block for long. It returns the response to send, or
// nil when it sends the response later with Conn.Send (a held long poll, a
// send waiting for fsync) or sends none (oneway requests).
type Handler interface {
	Serve(c *Conn, req *Command) *Command
}

// HandlerFunc adapts a function to Handler.
type HandlerFunc func(c *Conn, req *Command) *Command

// Serve calls f.
func (f HandlerFunc) Serve(c *Conn, req *Command) *Command { return f(c, req) }

// Mux dispatches requests by code. Unknown codes get
// REQUEST_CODE_NOT_SUPPORTED, as RocketMQ answers them.
type Mux struct {
	handlers map[RequestCode]Handler
}

// NewMux returns an empty Mux.
func NewMux() *Mux { return &Mux{handlers: map[RequestCode]Handler{}} }

// Handle registers h for code. It is not safe to call after serving began.
func (m *Mux) Handle(code RequestCode, h HandlerFunc) { m.handlers[code] = h }

// Serve dispatches req to the handler registered for its code.
func (m *Mux) Serve(c *Conn, req *Command) *Command {
	if h, ok := m.handlers[RequestCode(req.Code)]; ok {
		return h.Serve(c, req)
	}
	return Errorf(req, RequestCodeNotSupported, " request type %d not supported", req.Code)
}
