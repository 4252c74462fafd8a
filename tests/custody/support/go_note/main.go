// Command go_note is an independent checker for scelle's signed notes, built on Go's golang.org/x/mod/sumdb/note.
//
//	go_note verify VKEY_FILE NOTE_FILE   print the verified note text, or exit 1
//	go_note sign SKEY_FILE TEXT_FILE     print TEXT signed with the signer key
//
// Used only by tests/custody/tlog/test_notes.py; scelle never runs Go at run time.
package main

import (
	"fmt"
	"os"
	"strings"

	"golang.org/x/mod/sumdb/note"
)

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "go_note: "+format+"\n", args...)
	os.Exit(1)
}

func read(path string) []byte {
	data, err := os.ReadFile(path)
	if err != nil {
		fail("%v", err)
	}
	return data
}

func main() {
	if len(os.Args) != 4 {
		fail("usage: go_note verify VKEY_FILE NOTE_FILE | go_note sign SKEY_FILE TEXT_FILE")
	}
	key := strings.TrimSpace(string(read(os.Args[2])))
	data := read(os.Args[3])
	switch os.Args[1] {
	case "verify":
		v, err := note.NewVerifier(key)
		if err != nil {
			fail("verifier key: %v", err)
		}
		n, err := note.Open(data, note.VerifierList(v))
		if err != nil {
			fail("open: %v", err)
		}
		os.Stdout.WriteString(n.Text)
	case "sign":
		s, err := note.NewSigner(key)
		if err != nil {
			fail("signer key: %v", err)
		}
		msg, err := note.Sign(&note.Note{Text: string(data)}, s)
		if err != nil {
			fail("sign: %v", err)
		}
		os.Stdout.Write(msg)
	default:
		fail("unknown command %q", os.Args[1])
	}
}
