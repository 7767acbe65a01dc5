// Package conversation is the student's conversation with stagebot as a pure state machine: given
// the saved Session and one Input, Step returns the new Session, the Replies and the Effects. It
// does no I/O. When the machine needs to know something (a collège, search results) or to save
// something whose outcome matters (an application), it asks with an Effect; the caller carries it
// out and calls Step again with the answer as Input.Result.
package conversation
