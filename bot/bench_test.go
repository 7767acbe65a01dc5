package bot_test

import (
	"context"
	"fmt"
	"testing"

	"stagebot/domain"
	"stagebot/store"
	"stagebot/store/storetest"
)

// BenchmarkHandleSearch measures one inbound message handled end to end on the demo catalog (722
// offers): recorded, conversation locked, a keyword search run, the session saved, the reply queued,
// in one transaction.
func BenchmarkHandleSearch(b *testing.B) {
	ctx := context.Background()
	s := storetest.NewFrom(b, "demo", demoCatalog)
	ib := newInbox(b, s)
	const student = "+33639989999"
	n := 0
	say := func(text string) {
		n++
		if err := ib.Handle(ctx, domain.Inbound{Channel: domain.SMS, ProviderID: fmt.Sprint("SM", n), Address: student,
			Text: text}); err != nil {
			b.Fatal(err)
		}
	}
	for _, text := range []string{"Bonjour", "Léa", "M", "Voltaire", "1", "03/2012", "06 12 34 56 78", "1", "1"} {
		say(text)
	}
	b.ResetTimer()
	for range b.N {
		say("musee") // a word is a new search, from any screen
	}
}

// BenchmarkSearchOffers measures the search query alone: a keyword with a typo, in the student's
// week, with the places left computed for them.
func BenchmarkSearchOffers(b *testing.B) {
	ctx := context.Background()
	s := storetest.NewFrom(b, "demo", demoCatalog)
	var studentID int64
	if err := s.DB().Get(&studentID, `INSERT INTO parents (phone, created_at) VALUES ('+33612345678', $1) RETURNING id`, transcriptClock()); err != nil {
		b.Fatal(err)
	}
	id, err := s.RegisterStudent(ctx, store.RegisterParams{Channel: "sms", Address: "+33639989999", FirstName: "Léa",
		SchoolName: "Voltaire", StageWeek: transcriptClock().AddDate(0, 0, 50), BirthMonth: transcriptClock().AddDate(-14, 0, 0),
		ParentPhone: "+33612345678", Lang: "fr", At: transcriptClock()})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		if _, _, err := s.SearchOffers(ctx, store.SearchParams{StudentID: id, Today: transcriptClock(), Limit: 3,
			Filters: domain.Filters{Keyword: "bibliotheqe"}}); err != nil {
			b.Fatal(err)
		}
	}
}
