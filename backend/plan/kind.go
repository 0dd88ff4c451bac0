package plan

import (
	"encoding/json"
	"fmt"
)

// Kind is what an Action does. Values are explicit because plans are stored: a stored plan
// names kinds by their String() in JSON, and the numbers never change meaning.
type Kind int

const (
	// Create makes a container for a desired instance that has none.
	Create Kind = 1
	// Update changes a container without recreating it: today, starting (or unpausing) a
	// container whose configuration is current but that is not running.
	Update Kind = 2
	// Replace removes a container and creates it again from the current configuration.
	Replace Kind = 3
	// Remove stops and removes a container no desired instance owns.
	Remove Kind = 4
	// CreateNetwork creates the stack's network.
	CreateNetwork Kind = 5
	// RemoveNetwork removes the stack's network once the stack has no instances.
	RemoveNetwork Kind = 6
)

var kindNames = map[Kind]string{
	Create:        "create",
	Update:        "update",
	Replace:       "replace",
	Remove:        "remove",
	CreateNetwork: "create-network",
	RemoveNetwork: "remove-network",
}

// String is the kind's stable name, as stored in JSON.
func (k Kind) String() string {
	if n, ok := kindNames[k]; ok {
		return n
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// Symbol is the Terraform-style marker printed before the action.
func (k Kind) Symbol() string {
	switch k {
	case Create, CreateNetwork:
		return "+"
	case Update:
		return "~"
	case Replace:
		return "-/+"
	case Remove, RemoveNetwork:
		return "-"
	}
	return "?"
}

// verb is how the rendered plan names the action after its symbol.
func (k Kind) verb() string {
	switch k {
	case Create:
		return "create"
	case Update:
		return "update in place"
	case Replace:
		return "replace"
	case Remove:
		return "remove"
	case CreateNetwork:
		return "create network"
	case RemoveNetwork:
		return "remove network"
	}
	return k.String()
}

// ParseKind reads a kind's String() name.
func ParseKind(s string) (Kind, error) {
	for k, n := range kindNames {
		if n == s {
			return k, nil
		}
	}
	return 0, fmt.Errorf("unknown plan action kind %q", s)
}

// MarshalJSON writes the kind's name. An unknown kind is an error rather than a number, so
// that a corrupt plan cannot be stored and later applied as something else.
func (k Kind) MarshalJSON() ([]byte, error) {
	n, ok := kindNames[k]
	if !ok {
		return nil, fmt.Errorf("cannot store plan action kind %d: unknown kind", int(k))
	}
	return json.Marshal(n)
}

// UnmarshalJSON reads a kind's name; unknown names are errors (see MarshalJSON).
func (k *Kind) UnmarshalJSON(data []byte) error {
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return fmt.Errorf("plan action kind must be a string: %w", err)
	}
	v, err := ParseKind(s)
	if err != nil {
		return err
	}
	*k = v
	return nil
}
