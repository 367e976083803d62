package broker

import (
	"fmt"
	"strconv"

	"github.com/sagashop/sagashop/mq/remoting"
)

// sendHeader is the header of SEND_MESSAGE (long keys) and of
// SEND_MESSAGE_V2 / SEND_BATCH_MESSAGE (one-letter keys).
type sendHeader struct {
	producerGroup         string
	topic                 string
	defaultTopic          string
	defaultTopicQueueNums int
	queueID               int32
	sysFlag               int32
	bornTimestamp         int64
	flag                  int32
	properties            string
	reconsumeTimes        int32
	maxReconsumeTimes     int32
	batch                 bool
}

// shortKeys maps SendMessageRequestHeaderV2's keys to the long ones.
var shortKeys = [...][2]string{
	{"a", "producerGroup"}, {"b", "topic"}, {"c", "defaultTopic"}, {"d", "defaultTopicQueueNums"},
	{"e", "queueId"}, {"f", "sysFlag"}, {"g", "bornTimestamp"}, {"h", "flag"}, {"i", "properties"},
	{"j", "reconsumeTimes"}, {"k", "unitMode"}, {"l", "maxReconsumeTimes"}, {"m", "batch"},
}

func parseSendHeader(req *remoting.Command) (sendHeader, error) {
	ext := req.ExtFields
	get := func(long string) string { return ext[long] }
	if code := remoting.RequestCode(req.Code); code == remoting.SendMessageV2 || code == remoting.SendBatchMessage {
		get = func(long string) string {
			for _, k := range shortKeys {
				if k[1] == long {
					if v, ok := ext[k[0]]; ok {
						return v
					}
				}
			}
			return ext[long]
		}
	}
	h := sendHeader{
		producerGroup: get("producerGroup"), topic: get("topic"), defaultTopic: get("defaultTopic"),
		properties: get("properties"), batch: get("batch") == "true",
	}
	var err error
	num := func(key string, bits int, def int64) int64 {
		v := get(key)
		if v == "" || err != nil {
			return def
		}
		n, perr := strconv.ParseInt(v, 10, bits)
		if perr != nil {
			err = fmt.Errorf("header field %s=%q is not a number", key, v)
		}
		return n
	}
	h.defaultTopicQueueNums = int(num("defaultTopicQueueNums", 32, 4))
	h.queueID = int32(num("queueId", 32, -1))
	h.sysFlag = int32(num("sysFlag", 32, 0))
	h.bornTimestamp = num("bornTimestamp", 64, 0)
	h.flag = int32(num("flag", 32, 0))
	h.reconsumeTimes = int32(num("reconsumeTimes", 32, 0))
	h.maxReconsumeTimes = int32(num("maxReconsumeTimes", 32, 0))
	if err != nil {
		return h, err
	}
	if h.topic == "" {
		return h, fmt.Errorf("header field topic is missing")
	}
	return h, nil
}
