package model

import (
	"fmt"
	"regexp"
)

// Name limits. A container is named devarch-{stack}-{instance} and is also a hostname, so
// it must fit a DNS label (63): len(stack) + len(instance) <= 63 - len("devarch-") - len("-").
const (
	ContainerPrefix       = "devarch-"
	MaxContainerName      = 63
	MaxStackInstanceChars = MaxContainerName - len(ContainerPrefix) - 1 // 54
	MaxStackName          = MaxStackInstanceChars - 1                   // leaves room for a 1-char instance
	MaxDescription        = 500
)

var dnsLabel = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?$`)

// ValidateStackName checks a stack name against DOMAIN.md's rules and says which rule failed.
func ValidateStackName(name string) error {
	return validateLabel("name", "stack", name, MaxStackName)
}

// ValidateInstanceName checks an instance name, including the combined limit with its stack.
func ValidateInstanceName(stack, name string) error {
	if err := validateLabel("name", "instance", name, MaxStackInstanceChars-1); err != nil {
		return err
	}
	if len(stack)+len(name) > MaxStackInstanceChars {
		return Invalid("name", fmt.Sprintf("instance name %q is too long for stack %q", name, stack),
			fmt.Sprintf("The container name %s%s-%s would be %d characters; the limit is %d (it is also a hostname), so stack + instance names may have at most %d characters together. Use a shorter name.",
				ContainerPrefix, stack, name, len(ContainerPrefix)+len(stack)+1+len(name), MaxContainerName, MaxStackInstanceChars))
	}
	return nil
}

// ValidateDescription limits free text.
func ValidateDescription(s string) error {
	if len(s) > MaxDescription {
		return Invalid("description", "description is too long",
			fmt.Sprintf("It has %d characters; the limit is %d.", len(s), MaxDescription))
	}
	return nil
}

func validateLabel(field, what, name string, max int) error {
	switch {
	case name == "":
		return Invalid(field, what+" name is required", "Use lowercase letters, digits and hyphens, e.g. shop.")
	case len(name) > max:
		return Invalid(field, fmt.Sprintf("%s name %q is too long", what, name),
			fmt.Sprintf("It has %d characters; the limit is %d so that container names (%s{stack}-{instance}) fit in %d characters.", len(name), max, ContainerPrefix, MaxContainerName))
	case !dnsLabel.MatchString(name):
		return Invalid(field, fmt.Sprintf("%s name %q is not a valid name", what, name),
			"Use lowercase letters a-z, digits and hyphens, starting and ending with a letter or digit (a DNS label), e.g. shop or db-1.")
	}
	return nil
}

// secretNameRule is the secret name rule (the secrets.name CHECK constraint says the same):
// lower case only, so that names map one-to-one onto environment variables; with mixed
// case or '-', "db_pass", "DB_PASS" and "db-pass" would all become DEVARCH_SECRET_DB_PASS.
var secretNameRule = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,63}$`)

// SecretNameHelp says the secret name rule, for errors that refuse a name.
const SecretNameHelp = "Use 1 to 64 characters: lower-case letters, digits and underscores, not starting with a digit (e.g. db_password)."

// ValidSecretName reports whether name is a secret name: 1 to 64 lower-case letters, digits
// and underscores, not starting with a digit. The one rule for the store, secret
// references in values and devarch.yml files.
func ValidSecretName(name string) bool { return secretNameRule.MatchString(name) }
