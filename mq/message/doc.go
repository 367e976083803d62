// Package message holds RocketMQ's message formats as the broker stores and
// serves them: the "V1" record that the CommitLog keeps and that pull replies
// carry back to back, the properties string, the batch body of
// SEND_BATCH_MESSAGE, the offset message id and the tag hash code.
//
// Every function here works on plain bytes and strings so that the broker's
// send and pull paths can use them without allocating per message.
package message
