package route

import "encoding/json"

// DataVersion orders registrations and table changes.
type DataVersion struct {
	Timestamp int64 `json:"timestamp"`
	Counter   int64 `json:"counter"`
}

// RegisterBrokerBody is the body of REGISTER_BROKER (code 103), whose ext
// fields are brokerAddr, brokerName, brokerId and clusterName. It carries
// the broker's whole topic table, as Java's TopicConfigSerializeWrapper.
type RegisterBrokerBody struct {
	TopicConfigTable map[string]TopicConfig `json:"topicConfigTable"`
	DataVersion      DataVersion            `json:"dataVersion"`
}

// QueueData is one broker's queues of a topic in a route.
type QueueData struct {
	BrokerName     string `json:"brokerName"`
	ReadQueueNums  int    `json:"readQueueNums"`
	WriteQueueNums int    `json:"writeQueueNums"`
	Perm           int    `json:"perm"`
	TopicSysFlag   int    `json:"topicSysFlag"`
}

// BrokerData is one broker group: its name, cluster and the address of
// each member by broker id (0 is the master).
type BrokerData struct {
	Cluster     string           `json:"cluster"`
	BrokerName  string           `json:"brokerName"`
	BrokerAddrs map[int64]string `json:"brokerAddrs"`
}

// TopicRouteData is the reply body of GET_ROUTEINFO_BY_TOPIC.
type TopicRouteData struct {
	OrderTopicConf    *string             `json:"orderTopicConf"`
	QueueDatas        []QueueData         `json:"queueDatas"`
	BrokerDatas       []BrokerData        `json:"brokerDatas"`
	FilterServerTable map[string][]string `json:"filterServerTable"`
}

// Marshal encodes the route as the Go client parses it: compact JSON,
// both lists present, and brokerAddrs always an object.
func (r TopicRouteData) Marshal() ([]byte, error) {
	if r.QueueDatas == nil {
		r.QueueDatas = []QueueData{}
	}
	if r.BrokerDatas == nil {
		r.BrokerDatas = []BrokerData{}
	}
	for i := range r.BrokerDatas {
		if r.BrokerDatas[i].BrokerAddrs == nil {
			r.BrokerDatas[i].BrokerAddrs = map[int64]string{}
		}
	}
	if r.FilterServerTable == nil {
		r.FilterServerTable = map[string][]string{}
	}
	return json.Marshal(r)
}

// ClusterInfo is the reply body of GET_BROKER_CLUSTER_INFO (code 106).
type ClusterInfo struct {
	BrokerAddrTable  map[string]BrokerData `json:"brokerAddrTable"`
	ClusterAddrTable map[string][]string   `json:"clusterAddrTable"`
}

// TopicList is the reply body of GET_ALL_TOPIC_LIST_FROM_NAMESERVER (206).
type TopicList struct {
	TopicList  []string `json:"topicList"`
	BrokerAddr *string  `json:"brokerAddr"`
}
