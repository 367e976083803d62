package namesrv

import (
	"github.com/sagashop/sagashop/mq/remoting"
	"github.com/sagashop/sagashop/mq/route"
)

// allTopicList serves GET_ALL_TOPIC_LIST_FROM_NAMESERVER (206): every
// routable topic, sorted, as {"topicList":[...],"brokerAddr":null}.
func (s *Server) allTopicList(_ *remoting.Conn, req *remoting.Command) *remoting.Command {
	return jsonResponse(req, topicList(s.table.Topics()))
}

// topicsByCluster serves GET_TOPICS_BY_CLUSTER (224): ext cluster; the
// topics held by that cluster's brokers.
func (s *Server) topicsByCluster(_ *remoting.Conn, req *remoting.Command) *remoting.Command {
	cluster, err := requireExt(req, "cluster")
	if err != nil {
		return remoting.Errorf(req, remoting.SystemError, "get topics by cluster: %v", err)
	}
	return jsonResponse(req, topicList(s.table.TopicsByCluster(cluster)))
}

// systemTopicList serves GET_SYSTEM_TOPIC_LIST_FROM_NS (304): the cluster
// and broker names, as Java answers it.
func (s *Server) systemTopicList(_ *remoting.Conn, req *remoting.Command) *remoting.Command {
	return jsonResponse(req, s.table.SystemTopics())
}

// topicList wraps topics, never encoding the list as null.
func topicList(topics []string) route.TopicList {
	if topics == nil {
		topics = []string{}
	}
	return route.TopicList{TopicList: topics}
}
