package namesrv

import (
	"encoding/json"
	"fmt"

	"github.com/sagashop/sagashop/mq/remoting"
	"github.com/sagashop/sagashop/mq/route"
)

// registerBroker serves REGISTER_BROKER (103): ext brokerAddr, brokerName,
// brokerId, clusterName (haServerAddr and compressed are accepted), body a
// route.RegisterBrokerBody or empty for a pure heartbeat. A slave's reply
// carries its master's masterAddr and haServerAddr, as Java's does.
func (s *Server) registerBroker(c *remoting.Conn, req *remoting.Command) *remoting.Command {
	b, err := parseBroker(req)
	if err != nil {
		return remoting.Errorf(req, remoting.SystemError, "register broker: %v", err)
	}
	topics, err := decodeRegisterBody(req.Body)
	if err != nil {
		return remoting.Errorf(req, remoting.SystemError, "register broker %s (%s): %v", b.Name, b.Addr, err)
	}
	reg := Registration{Broker: b, HAServerAddr: req.Ext("haServerAddr"), Topics: topics}
	if c != nil {
		reg.ConnID = c.ID()
	}
	res := s.table.Register(reg, s.opts.Now())
	switch {
	case res.New:
		s.log.Info("namesrv: broker registered", brokerAttrs(b, "topics", len(topics), "topicsChanged", res.TopicsChanged)...)
	case res.TopicsChanged > 0:
		s.log.Info("namesrv: broker topics changed", brokerAttrs(b, "topics", len(topics), "topicsChanged", res.TopicsChanged)...)
	default:
		s.log.Debug("namesrv: broker refreshed", brokerAttrs(b)...)
	}
	resp := remoting.NewResponse(req, remoting.Success, "")
	if res.MasterAddr != "" {
		resp.SetExt("masterAddr", res.MasterAddr)
		resp.SetExt("haServerAddr", res.MasterHAServerAddr)
	}
	return resp
}

// decodeRegisterBody returns the topic table of a registration body; nil
// for an empty body or one without a table.
func decodeRegisterBody(body []byte) (map[string]route.TopicConfig, error) {
	if len(body) == 0 {
		return nil, nil
	}
	var rb route.RegisterBrokerBody
	if err := json.Unmarshal(body, &rb); err != nil {
		return nil, fmt.Errorf("%w: %d bytes are not a JSON RegisterBrokerBody: %w", ErrBadBody, len(body), err)
	}
	return rb.TopicConfigTable, nil
}

// unregisterBroker serves UNREGISTER_BROKER (104), whose ext is that of
// REGISTER_BROKER. Like Java it answers SUCCESS for an unknown broker.
func (s *Server) unregisterBroker(_ *remoting.Conn, req *remoting.Command) *remoting.Command {
	b, err := parseBroker(req)
	if err != nil {
		return remoting.Errorf(req, remoting.SystemError, "unregister broker: %v", err)
	}
	if s.table.Unregister(b) {
		s.log.Info("namesrv: broker unregistered", brokerAttrs(b)...)
	} else {
		s.log.Debug("namesrv: unregister of an unknown broker", brokerAttrs(b)...)
	}
	return remoting.NewResponse(req, remoting.Success, "")
}
