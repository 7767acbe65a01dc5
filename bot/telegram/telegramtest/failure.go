package telegramtest

import (
	"fmt"
	"net/http"
)

// Failure is a refusal the fake answers sendMessage with instead of sending (see FailNext): a
// TooManyRequests or one of the StockFailure constants.
type Failure interface {
	write(w http.ResponseWriter)
}

// TooManyRequests is Telegram's flood control: 429 with parameters.retry_after set to this many
// seconds, e.g. TooManyRequests(3).
type TooManyRequests int

func (f TooManyRequests) write(w http.ResponseWriter) {
	writeError(w, http.StatusTooManyRequests, fmt.Sprintf("Too Many Requests: retry after %d", int(f)), int(f))
}

// StockFailure is one of the fixed failures below.
type StockFailure int

// The fixed failures.
const (
	// ServerErrorHTML is a 502 with an HTML body, as a proxy in front of the Bot API sends it.
	ServerErrorHTML StockFailure = iota + 1
	// Forbidden is 403 "Forbidden: bot was blocked by the user".
	Forbidden
	// ChatNotFound is 400 "Bad Request: chat not found".
	ChatNotFound
)

func (f StockFailure) write(w http.ResponseWriter) {
	switch f {
	case ServerErrorHTML:
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		fmt.Fprint(w, "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"+
			"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n</body>\r\n</html>\r\n")
	case Forbidden:
		writeError(w, http.StatusForbidden, "Forbidden: bot was blocked by the user", 0)
	case ChatNotFound:
		writeError(w, http.StatusBadRequest, "Bad Request: chat not found", 0)
	default:
		writeError(w, http.StatusInternalServerError, "Internal Server Error", 0)
	}
}
