package lang

import (
	"strconv"
	"strings"
)

// thousandsSep groups the digits of numbers of 1000 and more, by language.
// French writes 1 000 with a narrow no-break space, so the number never
// breaks across lines; English shows 1000 as it always has (the bot's
// English texts never grouped digits, and stay as they were).
var thousandsSep = map[string]string{"fr": "\u202f"}

// Number writes n as p's language does: "1000" in English, "1 000" in
// French (narrow no-break space). Pass it, not the int, to a message that
// shows a count or limit that can reach 1000.
func (p *Printer) Number(n int) string {
	s := strconv.Itoa(n)
	sep := thousandsSep[p.Lang()]
	if sep == "" {
		return s
	}
	sign := ""
	if n < 0 {
		sign, s = "-", s[1:]
	}
	if len(s) <= 3 {
		return sign + s
	}
	var b strings.Builder
	b.WriteString(sign)
	head := len(s) % 3
	if head > 0 {
		b.WriteString(s[:head])
	}
	for i := head; i < len(s); i += 3 {
		if b.Len() > len(sign) {
			b.WriteString(sep)
		}
		b.WriteString(s[i : i+3])
	}
	return b.String()
}
