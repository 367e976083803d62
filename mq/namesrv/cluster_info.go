package namesrv

import (
	"encoding/json"

	"github.com/sagashop/sagashop/mq/remoting"
)

// clusterInfo serves GET_BROKER_CLUSTER_INFO (106): the body is a
// route.ClusterInfo of every broker group and cluster.
func (s *Server) clusterInfo(_ *remoting.Conn, req *remoting.Command) *remoting.Command {
	return jsonResponse(req, s.table.ClusterInfo())
}

// jsonResponse answers req with SUCCESS and v as a JSON body.
func jsonResponse(req *remoting.Command, v any) *remoting.Command {
	body, err := json.Marshal(v)
	if err != nil {
		return remoting.Errorf(req, remoting.SystemError, "encode %s reply: %v", remoting.RequestCode(req.Code), err)
	}
	resp := remoting.NewResponse(req, remoting.Success, "")
	resp.Body = body
	return resp
}
