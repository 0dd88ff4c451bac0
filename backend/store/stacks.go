package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/devarch/devarch/backend/model"
)

// CreateStack inserts a new, empty stack at revision 1. Names are validated by the caller
// (model.ValidateStackName) and again by the schema's dns_label domain.
func (s *Store) CreateStack(ctx context.Context, name, description string) (model.StackSummary, error) {
	var st model.StackSummary
	err := s.pool.QueryRow(ctx, `
		INSERT INTO stacks (name, description) VALUES ($1, $2)
		RETURNING name, description, revision, created_at, updated_at`, name, description).
		Scan(&st.Name, &st.Description, &st.Revision, &st.CreatedAt, &st.UpdatedAt)
	if err != nil {
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Code == "23505" && pgErr.ConstraintName == "stacks_name_key" {
			return st, &model.Error{Kind: model.KindConflict, Field: "name", Err: err,
				Summary: fmt.Sprintf("a stack named %q already exists", name),
				Detail:  "Stack names are unique. Choose another name, or use the existing stack."}
		}
		return st, interpret(err, "stack "+name)
	}
	return st, nil
}
