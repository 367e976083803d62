package namesrv

import (
	"github.com/sagashop/sagashop/mq/remoting"
)

// routeInfo serves GET_ROUTEINFO_BY_TOPIC (105): ext topic; the reply body
// is the topic's route. An unknown topic gets TOPIC_NOT_EXIST with Java's
// remark, which makes the Go producer fall back to the TBW102 route; an
// unknown %RETRY% topic gets the route RetryRoute describes.
func (s *Server) routeInfo(_ *remoting.Conn, req *remoting.Command) *remoting.Command {
	topic, err := requireExt(req, "topic")
	if err != nil {
		return remoting.Errorf(req, remoting.SystemError, "get route info: %v", err)
	}
	rd, ok := s.table.Route(topic)
	if !ok {
		rd, ok = s.table.RetryRoute(topic)
	}
	if !ok {
		return remoting.Errorf(req, remoting.TopicNotExist, "No topic route info in name server for the topic: %s", topic)
	}
	body, err := rd.Marshal()
	if err != nil {
		return remoting.Errorf(req, remoting.SystemError, "get route info of %s: %v", topic, err)
	}
	resp := remoting.NewResponse(req, remoting.Success, "")
	resp.Body = body
	return resp
}
