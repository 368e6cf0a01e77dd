package audit

import (
	"reflect"
	"testing"
)

func TestChanged(t *testing.T) {
	before := map[string]string{"name": "A", "slug": "a", "updatedAt": "1", "gone": "x"}
	after := map[string]string{"name": "B", "slug": "a", "updatedAt": "2", "new": "y"}
	got := Changed(before, after, "updatedAt")
	if want := []string{"gone", "name", "new"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Changed = %v, want %v", got, want)
	}
	if ChangedText(nil) != "saved without changes" || ChangedText(got) != "changed gone, name, new" {
		t.Errorf("ChangedText: %q", ChangedText(got))
	}
	if ActorOr("") != System || ActorOr("usr_1") != "usr_1" {
		t.Error("ActorOr")
	}
}
