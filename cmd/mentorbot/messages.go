package main

import "github.com/mentorbot/mentorbot/bot/lang"

// splitProblems sorts problems into errors and warnings, as lines.
func splitProblems(problems []lang.Problem) (errs, warnings []string) {
	for _, p := range problems {
		if p.Warning {
			warnings = append(warnings, p.String())
		} else {
			errs = append(errs, p.String())
		}
	}
	return errs, warnings
}
