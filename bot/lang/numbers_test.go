package lang

import "testing"

// French groups thousands with a narrow no-break space; English keeps the
// digits as its texts always showed them, and so does a nil printer.
func TestNumber(t *testing.T) {
	c, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	en, fr := c.Printer("en"), c.Printer("fr")
	var none *Printer
	for _, tc := range []struct{ got, want string }{
		{en.Number(1000), "1000"},
		{en.Number(4084), "4084"},
		{none.Number(3000), "3000"},
		{fr.Number(0), "0"},
		{fr.Number(999), "999"},
		{fr.Number(1000), "1\u202f000"},
		{fr.Number(4084), "4\u202f084"},
		{fr.Number(30000), "30\u202f000"},
		{fr.Number(123456), "123\u202f456"},
		{fr.Number(1234567), "1\u202f234\u202f567"},
		{fr.Number(-1500), "-1\u202f500"},
		{fr.Number(-999), "-999"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}
