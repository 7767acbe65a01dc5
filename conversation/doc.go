// Package conversation holds stagebot's three conversations as pure state machines, one per kind of
// person: the student's journey (Machine.Step: given the saved Session and one Input, the new
// Session, the Replies and the Effects), a parent's (ParentStep) and a host contact's (HostStep).
// It does no I/O. When a machine needs to know something (a collège, search results) or to save
// something whose outcome matters (an application, a host's answer), it asks with an Effect; the
// workflow (package bot) carries it out and steps the machine again with the answer as the input's
// Result. The machines speak the shared vocabulary of package domain.
package conversation
