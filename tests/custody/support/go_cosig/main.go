// Command go_cosig is an independent cosignature/v1 (C2SP tlog-cosignature v1.0.1) signer and verifier, built on
// Go's golang.org/x/mod/sumdb/note: a note.Verifier and a note.Signer of type 0x04 written from the specification.
//
//	go_cosig verify VKEY_FILE NOTE_FILE                      print the note text if VKEY's cosignature verifies
//	go_cosig sign NAME SEED_HEX TIMESTAMP TEXT_FILE          print TEXT cosigned by the witness NAME
//
// Used only by tests/custody/tlog/test_cosignature_go.py; scelle never runs Go at run time.
package main

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
)

const algCosignatureV1 = 0x04

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "go_cosig: "+format+"\n", args...)
	os.Exit(1)
}

func keyHash(name string, key []byte) uint32 {
	h := sha256.New()
	h.Write([]byte(name))
	h.Write([]byte("\n"))
	h.Write([]byte{algCosignatureV1})
	h.Write(key)
	return binary.BigEndian.Uint32(h.Sum(nil))
}

func message(timestamp uint64, text []byte) []byte {
	return append([]byte(fmt.Sprintf("cosignature/v1\ntime %d\n", timestamp)), text...)
}

type verifier struct {
	name string
	hash uint32
	key  ed25519.PublicKey
}

func (v verifier) Name() string    { return v.name }
func (v verifier) KeyHash() uint32 { return v.hash }
func (v verifier) Verify(msg, sig []byte) bool {
	if len(sig) != 8+ed25519.SignatureSize {
		return false
	}
	t := binary.BigEndian.Uint64(sig[:8])
	if t == 0 || t >= 1<<63 {
		return false
	}
	return ed25519.Verify(v.key, message(t, msg), sig[8:])
}

func newVerifier(vkey string) (verifier, error) {
	parts := strings.SplitN(vkey, "+", 3)
	if len(parts) != 3 {
		return verifier{}, errors.New("malformed verifier key")
	}
	raw, err := base64.StdEncoding.DecodeString(parts[2])
	if err != nil || len(raw) != 1+ed25519.PublicKeySize || raw[0] != algCosignatureV1 {
		return verifier{}, errors.New("not a cosignature/v1 Ed25519 key")
	}
	declared, err := strconv.ParseUint(parts[1], 16, 32)
	if err != nil || len(parts[1]) != 8 || uint32(declared) != keyHash(parts[0], raw[1:]) {
		return verifier{}, errors.New("key hash does not match")
	}
	return verifier{parts[0], uint32(declared), ed25519.PublicKey(raw[1:])}, nil
}

type signer struct {
	name      string
	hash      uint32
	key       ed25519.PrivateKey
	timestamp uint64
}

func (s signer) Name() string    { return s.name }
func (s signer) KeyHash() uint32 { return s.hash }
func (s signer) Sign(msg []byte) ([]byte, error) {
	sig := make([]byte, 8, 8+ed25519.SignatureSize)
	binary.BigEndian.PutUint64(sig, s.timestamp)
	return append(sig, ed25519.Sign(s.key, message(s.timestamp, msg))...), nil
}

func read(path string) []byte {
	data, err := os.ReadFile(path)
	if err != nil {
		fail("%v", err)
	}
	return data
}

func main() {
	switch {
	case len(os.Args) == 4 && os.Args[1] == "verify":
		v, err := newVerifier(strings.TrimSpace(string(read(os.Args[2]))))
		if err != nil {
			fail("verifier key: %v", err)
		}
		n, err := note.Open(read(os.Args[3]), note.VerifierList(v))
		if err != nil {
			fail("open: %v", err)
		}
		os.Stdout.WriteString(n.Text)
	case len(os.Args) == 6 && os.Args[1] == "sign":
		seed, err := hex.DecodeString(os.Args[3])
		if err != nil || len(seed) != ed25519.SeedSize {
			fail("seed must be 32 bytes of hex")
		}
		t, err := strconv.ParseUint(os.Args[4], 10, 64)
		if err != nil {
			fail("timestamp: %v", err)
		}
		key := ed25519.NewKeyFromSeed(seed)
		s := signer{os.Args[2], keyHash(os.Args[2], key.Public().(ed25519.PublicKey)), key, t}
		out, err := note.Sign(&note.Note{Text: string(read(os.Args[5]))}, s)
		if err != nil {
			fail("sign: %v", err)
		}
		os.Stdout.Write(out)
	default:
		fail("usage: go_cosig verify VKEY_FILE NOTE_FILE | go_cosig sign NAME SEED_HEX TIMESTAMP TEXT_FILE")
	}
}
