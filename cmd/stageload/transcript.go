package main

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"
)

// transcriptLine is one message of a person's exchanges: sent (">", with the webhook's answer) or
// received ("<").
type transcriptLine struct {
	at   time.Time
	addr string
	dir  string
	text string
}

// note records a line of the transcript, when one is asked for.
func (l *load) note(at time.Time, addr, dir, text string) {
	if l.cfg.transcript == "" {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, transcriptLine{at: at, addr: addr, dir: dir, text: text})
}

// writeTranscript writes every person's exchanges to path, person after person, in time order;
// nothing when path is empty.
func (l *load) writeTranscript(path string) (err error) {
	if path == "" {
		return nil
	}
	l.mu.Lock()
	lines := append([]transcriptLine(nil), l.lines...)
	l.mu.Unlock()
	sort.SliceStable(lines, func(i, j int) bool {
		if lines[i].addr != lines[j].addr {
			return lines[i].addr < lines[j].addr
		}
		return lines[i].at.Before(lines[j].at)
	})
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("transcript: %w", err)
	}
	defer func() {
		if cerr := f.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("transcript: %w", cerr)
		}
	}()
	w := bufio.NewWriter(f)
	prev := ""
	for _, ln := range lines {
		if ln.addr != prev {
			fmt.Fprintf(w, "\n== %s\n", ln.addr)
			prev = ln.addr
		}
		fmt.Fprintf(w, "%s %s %s\n", ln.at.Format("15:04:05.000"), ln.dir, strings.ReplaceAll(ln.text, "\n", "\n                 "))
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("transcript: %w", err)
	}
	return nil
}
