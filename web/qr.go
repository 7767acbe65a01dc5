package web

import (
	"fmt"
	"html/template"
	"strings"

	qrcode "github.com/yeqown/go-qrcode/v2"
)

// qrSVG draws text as a QR code (github.com/yeqown/go-qrcode encodes it), as an SVG of squares
// that prints sharp at any size.
func qrSVG(text string) (template.HTML, error) {
	qr, err := qrcode.New(text)
	if err != nil {
		return "", fmt.Errorf("qr code: %w", err)
	}
	w := &svgWriter{}
	if err := qr.Save(w); err != nil {
		return "", fmt.Errorf("qr code: %w", err)
	}
	return template.HTML(w.svg), nil //nolint:gosec // squares drawn from the code's matrix, no text
}

// svgWriter is a go-qrcode writer that draws the matrix as SVG squares, with the quiet zone the
// standard asks for (four modules).
type svgWriter struct{ svg string }

func (w *svgWriter) Write(m qrcode.Matrix) error {
	const quiet = 4
	size := m.Width() + 2*quiet
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" shape-rendering="crispEdges" role="img" aria-hidden="true">`, size, size)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, size, size)
	m.Iterate(qrcode.IterDirection_ROW, func(x, y int, v qrcode.QRValue) {
		if v.IsSet() {
			fmt.Fprintf(&b, "M%d %dh1v1h-1z", x+quiet, y+quiet)
		}
	})
	b.WriteString(`"/></svg>`)
	w.svg = b.String()
	return nil
}

func (w *svgWriter) Close() error { return nil }
