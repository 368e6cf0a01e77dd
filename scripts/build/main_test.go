package main

import (
	"archive/zip"
	"bytes"
	"io"
	"testing"
	"time"
)

// The build compares the two builds' binaries, not their zips: that holds
// only while a zip is a function of the binary's bytes alone.
func TestZipOneIsAFunctionOfTheBytes(t *testing.T) {
	data := bytes.Repeat([]byte("\x7fELF tandem bootstrap "), 5000)
	a, err := zipOne(data)
	if err != nil {
		t.Fatal(err)
	}
	b, err := zipOne(bytes.Clone(data))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Fatal("the same bytes zipped twice differ")
	}
	other, err := zipOne(append(bytes.Clone(data), 0))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(a, other) {
		t.Fatal("different bytes gave the same zip")
	}

	zr, err := zip.NewReader(bytes.NewReader(a), int64(len(a)))
	if err != nil {
		t.Fatal(err)
	}
	if len(zr.File) != 1 {
		t.Fatalf("%d entries, want bootstrap alone", len(zr.File))
	}
	f := zr.File[0]
	if f.Name != "bootstrap" || f.Mode().Perm() != 0o755 || f.Method != zip.Deflate || !f.Modified.Equal(time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("entry %q mode %v method %d modified %v, want bootstrap 0755 deflated at 1980-01-01", f.Name, f.Mode().Perm(), f.Method, f.Modified)
	}
	rc, err := f.Open()
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, data) {
		t.Error("the zip does not hold the bytes it was given")
	}
}
