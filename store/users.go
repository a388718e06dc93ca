package store

import (
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// User is what mentorbot remembers about a member beyond their history.
type User struct {
	ID   string
	Role string // "", "ic", "staff", "manager" or "lead"; "" means not set
	// Lang is the language the member chose (`language fr`, the settings
	// form), a base code such as "fr"; "" follows their Slack locale.
	Lang string
	// Locale is the member's Slack locale as last read from users.info,
	// such as "fr-FR"; "" when it was never read. Kept so that scheduled
	// nudges after a restart speak the member's language without a call.
	Locale string
}

// ErrInvalidID is returned when a user id is empty or contains a NUL byte.
var ErrInvalidID = errors.New("invalid user id")

func checkID(id string) error {
	if id == "" {
		return ErrInvalidID
	}
	for i := 0; i < len(id); i++ {
		if id[i] == 0 {
			return ErrInvalidID
		}
	}
	return nil
}

// User returns the member's record, or a zero User with only the ID set when
// the member has never changed a setting.
func (db *DB) User(id string) (User, error) {
	if err := checkID(id); err != nil {
		return User{}, err
	}
	u := User{ID: id}
	err := db.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketUsers).Get([]byte(id))
		if b == nil {
			return nil
		}
		var err error
		u, err = decodeUser(id, b)
		return err
	})
	return u, err
}

// UpdateUser reads the member's record, lets fn change it and writes it back
// in one transaction. If fn returns an error nothing is written.
func (db *DB) UpdateUser(id string, fn func(*User) error) error {
	if err := checkID(id); err != nil {
		return err
	}
	return db.update(func(tx *bolt.Tx) error { return updateUser(tx, id, fn) })
}

// SetLocale records the member's Slack locale as users.info gave it, such
// as "fr-FR". Concurrent calls share one commit: a member's first command
// waits for it, and a crowd of first commands (after an install, or
// BenchmarkCommands at 1,000 members) must not queue for an fsync each.
func (db *DB) SetLocale(id, locale string) error {
	if err := checkID(id); err != nil {
		return err
	}
	return db.batch(func(tx *bolt.Tx) error {
		return updateUser(tx, id, func(u *User) error { u.Locale = locale; return nil })
	})
}

// updateUser lets fn change the member's record within tx.
func updateUser(tx *bolt.Tx, id string, fn func(*User) error) error {
	bkt := tx.Bucket(bucketUsers)
	u := User{ID: id}
	if b := bkt.Get([]byte(id)); b != nil {
		var err error
		if u, err = decodeUser(id, b); err != nil {
			return err
		}
	}
	if err := fn(&u); err != nil {
		return err
	}
	enc, err := encodeUser(u)
	if err != nil {
		return fmt.Errorf("encode user %s: %w", id, err)
	}
	return bkt.Put([]byte(id), enc)
}
