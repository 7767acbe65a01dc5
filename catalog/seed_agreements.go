package catalog

import (
	"context"
	"fmt"
	"strings"
	"time"

	"stagebot/agreement"
	"stagebot/bot"
	"stagebot/domain"
	"stagebot/store"
)

// demoHours are the hours the demo's hosts give, from the text a host would send.
const demoHours = "lundi au jeudi 9h-12h 13h30-16h30, vendredi 9h-12h"

// seedAgreements moves the demo's agreements of a collège along, so that its page shows each state:
// one in four left to its host, one completed by the host, one open to signatures with the host's and
// the parent's, one signed by all. Names are clearly synthetic; signatures carry the document's hash
// as the workflow's do. It returns how many agreements it saw.
func seedAgreements(ctx context.Context, s *store.Store, uai, principal string, principalID int64, at time.Time) (int, error) {
	list, err := s.AgreementsOfSchool(ctx, uai)
	if err != nil {
		return 0, err
	}
	sched, err := agreement.Parse(demoHours)
	if err != nil {
		return 0, err
	}
	activities := "Découverte des métiers de la structure (démonstration) : accueil du public, préparation d'une activité, rencontre avec l'équipe."
	i := -1
	for _, a := range list {
		if a.State != domain.AgreementDraft {
			continue
		}
		if i++; i%4 == 0 {
			continue
		}
		err := s.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.SetHostPart(ctx, a.ID, store.HostPart{Schedule: &sched, Activities: &activities,
				Representative: a.Tutor}, at); err != nil {
				return err
			}
			if err := tx.MoveAgreement(ctx, a.ID, domain.AgreementDraft, domain.AgreementCompleted, domain.ByHost, at); err != nil {
				return err
			}
			if i%4 == 1 {
				return setHash(ctx, tx, a.ID)
			}
			last := firstOr(a.LastName, "Élève (démo)") // the collège's list gave it
			parent := "Parent " + strings.TrimSpace(strings.TrimSuffix(last, "(démo)")) + " (démo)"
			if err := tx.SetFamilyPart(ctx, a.ID, store.FamilyPart{LastName: &last, ParentName: &parent}, at); err != nil {
				return err
			}
			if err := tx.SetSchoolPart(ctx, a.ID, store.SchoolPart{Class: a.Class, Principal: principal,
				Referent: "M. Référent (démo)", CheckedBy: principalID}, at); err != nil {
				return err
			}
			if err := tx.MoveAgreement(ctx, a.ID, domain.AgreementCompleted, domain.AgreementChecked, domain.BySchool, at); err != nil {
				return err
			}
			if err := tx.MoveAgreement(ctx, a.ID, domain.AgreementChecked, domain.AgreementSigning, domain.BySystem, at); err != nil {
				return err
			}
			if err := setHash(ctx, tx, a.ID); err != nil {
				return err
			}
			signers := []domain.Signatory{domain.SignHost, domain.SignParent}
			if i%4 == 3 {
				signers = []domain.Signatory{domain.SignHost, domain.SignParent, domain.SignStudent, domain.SignSchool}
			}
			g, err := tx.AgreementByID(ctx, a.ID)
			if err != nil {
				return err
			}
			for k, who := range signers {
				name := map[domain.Signatory]string{domain.SignHost: firstOr(g.Representative, g.Tutor), domain.SignParent: parent,
					domain.SignStudent: g.StudentName(), domain.SignSchool: principal}[who]
				if _, err := tx.SaveSignature(ctx, store.AgreementSignature{AgreementID: a.ID, Signatory: who, Name: name,
					Channel: "sms", Proof: fmt.Sprintf("demo:%d:%s", a.ID, who), Hash: g.Hash,
					At: at.Add(time.Duration(k+1) * time.Hour)}); err != nil {
					return err
				}
			}
			if i%4 == 3 {
				return tx.MoveAgreement(ctx, a.ID, domain.AgreementSigning, domain.AgreementSigned, domain.BySystem, at.Add(5*time.Hour))
			}
			return nil
		})
		if err != nil {
			return 0, fmt.Errorf("seed agreement %d: %w", a.ID, err)
		}
	}
	return len(list), nil
}

// setHash keeps the hash of an agreement's document as it stands.
func setHash(ctx context.Context, tx *store.Tx, id int64) error {
	g, err := tx.AgreementByID(ctx, id)
	if err != nil {
		return err
	}
	doc, _, err := bot.Document(g)
	if err != nil {
		return err
	}
	_, err = tx.SetAgreementHash(ctx, id, doc.Hash())
	return err
}

func firstOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
