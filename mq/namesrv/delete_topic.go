package namesrv

import (
	"github.com/sagashop/sagashop/mq/remoting"
)

// deleteTopic serves DELETE_TOPIC_IN_NAMESRV (216): ext topic. The route
// is gone until a broker registers the topic again; admin tools delete it
// from the brokers first. Like Java it answers SUCCESS for an unknown topic.
func (s *Server) deleteTopic(_ *remoting.Conn, req *remoting.Command) *remoting.Command {
	topic, err := requireExt(req, "topic")
	if err != nil {
		return remoting.Errorf(req, remoting.SystemError, "delete topic: %v", err)
	}
	if s.table.DeleteTopic(topic) {
		s.log.Info("namesrv: topic deleted", "topic", topic)
	}
	return remoting.NewResponse(req, remoting.Success, "")
}
