package broker

import "github.com/sagashop/sagashop/mq/remoting"

// mux maps every request code the broker serves to its handler; other
// codes get REQUEST_CODE_NOT_SUPPORTED.
func (b *Broker) mux() *remoting.Mux {
	m := remoting.NewMux()
	m.Handle(remoting.SendMessage, b.sendMessage)
	m.Handle(remoting.SendMessageV2, b.sendMessage)
	m.Handle(remoting.SendBatchMessage, b.sendMessage)
	m.Handle(remoting.PullMessage, b.pullMessage)
	m.Handle(remoting.QueryMessage, b.queryMessage)
	m.Handle(remoting.ViewMessageByID, b.viewMessageByID)
	m.Handle(remoting.QueryConsumerOffset, b.queryConsumerOffset)
	m.Handle(remoting.UpdateConsumerOffset, b.updateConsumerOffset)
	m.Handle(remoting.GetMaxOffset, b.getMaxOffset)
	m.Handle(remoting.GetMinOffset, b.getMinOffset)
	m.Handle(remoting.SearchOffsetByTimestamp, b.searchOffsetByTimestamp)
	m.Handle(remoting.GetEarliestMsgStoreTime, b.getEarliestMsgStoreTime)
	m.Handle(remoting.HeartBeat, b.heartBeat)
	m.Handle(remoting.UnregisterClient, b.unregisterClient)
	m.Handle(remoting.GetConsumerListByGroup, b.getConsumerList)
	m.Handle(remoting.UpdateAndCreateTopic, b.updateAndCreateTopic)
	m.Handle(remoting.DeleteTopicInBroker, b.deleteTopicInBroker)
	m.Handle(remoting.GetAllTopicConfig, b.getAllTopicConfig)
	m.Handle(remoting.GetTopicStatsInfo, b.getTopicStatsInfo)
	m.Handle(remoting.GetAllSubscriptionGroupConfig, b.getAllSubscriptionGroup)
	m.Handle(remoting.UpdateAndCreateSubscription, b.updateAndCreateSubscriptionGroup)
	m.Handle(remoting.DeleteSubscriptionGroup, b.deleteSubscriptionGroup)
	m.Handle(remoting.GetConsumeStats, b.getConsumeStats)
	m.Handle(remoting.GetConsumerConnectionList, b.getConsumerConnectionList)
	m.Handle(remoting.GetProducerConnectionList, b.getProducerConnectionList)
	m.Handle(remoting.EndTransaction, b.endTransaction)
	m.Handle(remoting.ConsumerSendMsgBack, b.consumerSendMsgBack)
	m.Handle(remoting.LockBatchMQ, b.lockBatchMQ)
	m.Handle(remoting.UnlockBatchMQ, b.unlockBatchMQ)
	m.Handle(remoting.SendReplyMessage, b.sendReplyMessage)
	m.Handle(remoting.SendReplyMessageV2, b.sendReplyMessage)
	return m
}
