package bot

import (
	"context"
	"fmt"

	"stagebot/conversation"
	"stagebot/domain"
)

// maxSteps bounds how many times one message goes round a machine: the step that reads it, then
// the steps that read the answers to what it asked. A machine still asking after that is a bug: the
// message fails, and its transaction rolls back, rather than stop half-done.
const maxSteps = 6

// party is one kind of person's side of the step loop: their machine, and the interpreter of its
// effects (student.go, parent.go, host.go).
type party interface {
	// step runs the machine on the message (result nil) or on the answer to what it asked last.
	step(result conversation.Result) ([]domain.Reply, []conversation.Effect)
	// replied queues one step's replies, or keeps them to queue at the end; effects are the step's.
	replied(ctx context.Context, tx txn, replies []domain.Reply, effects []conversation.Effect) error
	// carryOut performs one effect in the transaction and returns the answer of an asking one.
	carryOut(ctx context.Context, tx txn, e conversation.Effect) (conversation.Result, error)
}

// converse is the one step loop, the same for every party: step, carry the effects out in order,
// feed the answer of the asking one back, until a step asks nothing.
func converse(ctx context.Context, tx txn, p party) error {
	var result conversation.Result
	for range maxSteps {
		replies, effects := p.step(result)
		if err := p.replied(ctx, tx, replies, effects); err != nil {
			return err
		}
		result = nil
		for _, e := range effects {
			r, err := p.carryOut(ctx, tx, e)
			if err != nil {
				return fmt.Errorf("%T: %w", e, err)
			}
			if r != nil {
				result = r
			}
		}
		if result == nil {
			return nil
		}
	}
	return fmt.Errorf("conversation still asking after %d steps for one message", maxSteps)
}
