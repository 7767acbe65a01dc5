package conversation

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The feedback the Monday after a stage: the student and the host each answer with a keyword, a mark
// from 1 to 5 and a word ("AVIS 4 super", a host "AVIS 1042 4 motivée"), from wherever they are: it
// never changes what their next message means.

// maxFeedbackWord is the most runes of the word that comes with a mark.
const maxFeedbackWord = 60

// GiveFeedback keeps what a student or a host says of a stage that took place. Answers FeedbackSaved.
type GiveFeedback struct {
	StudentID     int64 // the student giving it: about their last stage; 0 for a host
	ApplicationID int64 // the stage a host gives it about; 0 for a student
	Mark          int   // 1 to 5
	Word          string
}

// FeedbackSaved answers GiveFeedback; OK is false when there is no stage to give it about, or
// (TooEarly) when the stage has not begun yet.
type FeedbackSaved struct {
	OK       bool
	TooEarly bool
}

func (GiveFeedback) isEffect()  {}
func (FeedbackSaved) isResult() {}

// feedbackParts reads "AVIS 4 super" (or REVIEW): the numbers after the keyword, and the word that
// follows them, whole. ok is false when the message is not feedback; a bare AVIS, or one without a
// number, is feedback with no numbers (the person is shown how to write it). The word is kept
// through keptWord, which masks it before cutting it.
func feedbackParts(text string) (numbers []int, word string, ok bool) {
	fields := strings.Fields(text)
	if len(fields) == 0 {
		return nil, "", false
	}
	switch bareWord(fields[0]) {
	case "avis", "review":
	default:
		return nil, "", false
	}
	i := 1
	for ; i < len(fields) && len(numbers) < 2; i++ {
		n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(fields[i], "#"), "/5"))
		if err != nil {
			break
		}
		numbers = append(numbers, n)
	}
	if len(numbers) == 0 {
		return nil, "", true
	}
	return numbers, strings.Join(fields[i:], " "), true
}

// feedbackWords is feedbackParts with the word cut to maxFeedbackWord runes: what is kept of a word
// without contact details.
func feedbackWords(text string) (numbers []int, word string, ok bool) {
	numbers, word, ok = feedbackParts(text)
	return numbers, cut(word, maxFeedbackWord), ok
}

// keptWord is the word kept with a mark: its contact details masked first (a placeholder may be
// longer than what it hides: "insta 1" is "insta ***"), then cut to maxFeedbackWord runes, not
// inside a placeholder. Cutting can complete a contact detail ("site.company" cut after ".com"), so
// what is cut is masked again, until it fits.
func (mk *masker) keptWord(word string) string {
	word, _ = mk.mask(word)
	for utf8.RuneCountInString(word) > maxFeedbackWord {
		// Each round that goes on has masked something, so the text has fewer characters other
		// than '*' each time: the loop ends.
		head := cut(word, maxFeedbackWord)
		if strings.HasPrefix(word[len(head):], "*") {
			head = strings.TrimRight(head, "*")
		}
		word, _ = mk.mask(strings.TrimRightFunc(head, unicode.IsSpace))
	}
	return word
}

// studentFeedback reads a student's "AVIS 4 super": their mark goes to their last stage.
func (t *turn) studentFeedback() bool {
	numbers, word, ok := feedbackParts(t.text)
	if !ok || t.s.Profile.StudentID == 0 {
		return false
	}
	word = t.m.masker.keptWord(word) // the word is kept: no contact details in it
	if len(numbers) != 1 || numbers[0] < 1 || numbers[0] > 5 {
		t.note(t.tr("feedback_how", nil))
		return true
	}
	t.ask(GiveFeedback{StudentID: t.s.Profile.StudentID, Mark: numbers[0], Word: word})
	return true
}

// feedbackSaved thanks the student, and leaves the question they were at as it was.
func (t *turn) feedbackSaved(r FeedbackSaved) {
	if r.OK {
		t.note(t.tr("feedback_thanks", nil))
		return
	}
	t.note(t.tr("feedback_nothing", nil))
}

// hostFeedback reads a host's "AVIS 1042 4 motivée" (the reference may be left out when one stage
// took place).
func (c *contactTurn) hostFeedback(apps []HostApp) bool {
	numbers, word, ok := feedbackParts(c.text)
	if !ok {
		return false
	}
	if len(numbers) == 0 {
		c.say(c.tr("host_feedback_how", nil))
		return true
	}
	word = c.m.masker.keptWord(word) // the word is kept: no contact details in it
	var ref int64
	mark := numbers[len(numbers)-1]
	if len(numbers) == 2 {
		ref = int64(numbers[0])
	} else {
		var confirmed []HostApp
		for _, a := range apps {
			if a.State == "confirmed" {
				confirmed = append(confirmed, a)
			}
		}
		if len(confirmed) == 1 {
			ref = confirmed[0].ID
		}
	}
	if ref == 0 || mark < 1 || mark > 5 {
		c.say(c.tr("host_feedback_how", nil))
		return true
	}
	c.effects = append(c.effects, GiveFeedback{ApplicationID: ref, Mark: mark, Word: word})
	return true
}
