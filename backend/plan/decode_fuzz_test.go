package plan_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/devarch/devarch/backend/plan"
)

// FuzzDecode: a stored plan document (today's, or one from before diagnostics) either decodes
// or is refused, never panics; one that decodes survives a round trip unchanged, and an
// errored one stays errored (a stored plan must never turn into one apply would accept).
func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"stack":"shop","revision":3,"summary":{"add":1,"change":0,"destroy":0},"actions":[{"kind":"create","instance":"web","container":"devarch-shop-web","cause":"new instance","level":1}]}`))
	f.Add([]byte(`{"stack":"shop","errors":["dependency cycle: a -> b -> a"],"warnings":["w"]}`))
	f.Add([]byte(`{"stack":"shop","diagnostics":[{"severity":"error","summary":"s","subject":{"instance":"web","path":"ports"}}]}`))
	f.Add([]byte(`{"diagnostics":[{"severity":"fatal","summary":"s"}]}`))
	// Typed fixes: a secret to set, a field to change; and ones Decode refuses.
	f.Add([]byte(`{"stack":"shop","diagnostics":[{"severity":"error","summary":"s","subject":{"instance":"api","path":"environment.T"},"fix":{"kind":"set-secret","secret":"t","command":"devarch secret set shop t"}}]}`))
	f.Add([]byte(`{"stack":"shop","diagnostics":[{"severity":"warning","summary":"s","subject":{"instance":"web","path":"ports"},"fix":{"kind":"edit-field"}}]}`))
	f.Add([]byte(`{"diagnostics":[{"severity":"error","summary":"s","fix":{"kind":"edit-field"}}]}`))
	f.Add([]byte(`{"diagnostics":[{"severity":"error","summary":"s","fix":null}]}`))
	f.Add([]byte(`{"diagnostics":[{"severity":"warning","summary":"s","subject":{"instance":"db","path":"environment.P"},"fix":{"kind":"use-secret","secret":"db_p","command":"c"}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := plan.Decode(data)
		if err != nil {
			return
		}
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatalf("a decoded plan does not encode: %v", err)
		}
		q, err := plan.Decode(b)
		if err != nil {
			t.Fatalf("a plan's own encoding is refused: %v\n%s", err, b)
		}
		// An empty list and no list are the same plan (the encoding leaves an empty one out).
		same := (len(p.Diagnostics) == 0 && len(q.Diagnostics) == 0) || reflect.DeepEqual(p.Diagnostics, q.Diagnostics)
		if p.Failed() != q.Failed() || !same {
			t.Fatalf("round trip changed the diagnostics:\n%+v\n%+v", p.Diagnostics, q.Diagnostics)
		}
	})
}
