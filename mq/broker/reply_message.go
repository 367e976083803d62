package broker

import (
	"context"
	"strconv"
	"time"

	"github.com/sagashop/sagashop/mq/message"
	"github.com/sagashop/sagashop/mq/remoting"
)

// pushReplyTimeout bounds the push of a reply to the requesting client
// (Java waits 10 s synchronously).
const pushReplyTimeout = 10 * time.Second

// sendReplyMessage handles SEND_REPLY_MESSAGE(_V2): a replier answers a
// request message. The broker finds the requester's connection by the
// REPLY_TO_CLIENT property and pushes the reply there with
// PUSH_REPLY_MESSAGE_TO_CLIENT; the replier's send succeeds when the push
// did. The reply is not stored.
func (b *Broker) sendReplyMessage(c *remoting.Conn, req *remoting.Command) *remoting.Command {
	h, err := parseSendHeader(req)
	if err != nil {
		return remoting.Errorf(req, remoting.MessageIllegal, "%v", err)
	}
	clientID, _ := message.Property(h.properties, message.PropReplyToClient)
	target := b.clients.connByClientID(clientID)
	if target == nil {
		return remoting.Errorf(req, remoting.SystemError, "push reply message fail: the requester %q is not connected to this broker", clientID)
	}
	props := message.WithProperty(h.properties, "PUSH_REPLY_TIME", strconv.FormatInt(b.now().UnixMilli(), 10))
	push := remoting.NewRequest(remoting.PushReplyMessageToClient, map[string]string{
		"producerGroup": h.producerGroup, "topic": h.topic, "defaultTopic": h.defaultTopic,
		"defaultTopicQueueNums": strconv.Itoa(h.defaultTopicQueueNums), "queueId": strconv.Itoa(int(max(h.queueID, 0))),
		"sysFlag": strconv.Itoa(int(h.sysFlag)), "bornTimestamp": strconv.FormatInt(h.bornTimestamp, 10),
		"flag": strconv.Itoa(int(h.flag)), "properties": props, "reconsumeTimes": strconv.Itoa(int(h.reconsumeTimes)),
		"unitMode": "false", "bornHost": c.RemoteAddr().String(), "storeHost": b.addr,
		"storeTimestamp": strconv.FormatInt(b.now().UnixMilli(), 10),
	}, req.Body)
	b.goFunc(func() {
		ctx, cancel := context.WithTimeout(b.ctx, pushReplyTimeout)
		defer cancel()
		resp := remoting.NewResponse(req, remoting.Success, "")
		resp.ExtFields = map[string]string{"msgId": "0", "queueId": strconv.Itoa(int(max(h.queueID, 0))), "queueOffset": "0"}
		ack, err := target.Invoke(ctx, push)
		if err == nil {
			err = ack.Err()
		}
		if err != nil {
			resp = remoting.Errorf(req, remoting.SystemError, "push reply message to %s fail: %v", clientID, err)
		}
		_ = c.Send(resp)
	})
	return nil
}
