package scheduler

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"
)

func TestNewRefusesABadSchedule(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	noop := func(context.Context) (int, error) { return 0, nil }
	if _, err := New(time.UTC, log, Job{Name: "ok", Spec: "0 10 * * *", Run: noop}); err != nil {
		t.Fatalf("valid schedule refused: %v", err)
	}
	if _, err := New(time.UTC, log, Job{Name: "bad", Spec: "every morning", Run: noop}); err == nil {
		t.Fatal("invalid schedule accepted")
	}
}

// A job that fails is logged, and the run returns: the next one will come.
func TestWrapSurvivesFailures(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	s, err := New(time.UTC, log)
	if err != nil {
		t.Fatal(err)
	}
	ran := false
	s.wrap(Job{Name: "fails", Run: func(context.Context) (int, error) { ran = true; return 0, context.DeadlineExceeded }})()
	if !ran {
		t.Fatal("job did not run")
	}
}
