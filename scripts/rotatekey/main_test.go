package main

import (
	"testing"

	"github.com/tandemhq/tandem/shared/keyring"
)

func TestRotated(t *testing.T) {
	k := func(id string) keyring.Key {
		return keyring.Key{ID: id, Secret: "0123456789abcdef0123456789abcdef-" + id}
	}
	for _, tc := range []struct {
		name     string
		cur      keyring.Set
		keep     int
		wantID   string
		wantPrev []string
	}{
		{"first rotation", keyring.Set{Key: k("1")}, 2, "2", []string{"1"}},
		{"keeps two", keyring.Set{Key: k("3"), Previous: []keyring.Key{k("2"), k("1")}}, 2, "4", []string{"3", "2"}},
		{"from a legacy key", keyring.Set{Key: k(keyring.LegacyID)}, 2, "1", []string{keyring.LegacyID}},
	} {
		got, err := rotated(tc.cur, tc.keep)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		var prev []string
		for _, p := range got.Previous {
			prev = append(prev, p.ID)
		}
		if got.ID != tc.wantID || len(got.Secret) != 48 || len(prev) != len(tc.wantPrev) {
			t.Fatalf("%s: got %s (%d chars) previous %v, want %s previous %v", tc.name, got.ID, len(got.Secret), prev, tc.wantID, tc.wantPrev)
		}
		for i := range prev {
			if prev[i] != tc.wantPrev[i] {
				t.Errorf("%s: previous %v, want %v", tc.name, prev, tc.wantPrev)
			}
		}
	}
}
