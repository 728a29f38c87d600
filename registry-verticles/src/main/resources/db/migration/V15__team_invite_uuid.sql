-- Invitees answer their pending invitations from their Repositories page, which names each one by a uuid: unlike the
-- sequential id it cannot be guessed, so nobody can probe for other people's invitations. That page finds them by
-- invitee: the user's own and those of the user's (verified) e-mail address.
ALTER TABLE team_invite ADD COLUMN uuid UUID NOT NULL DEFAULT gen_random_uuid();
ALTER TABLE team_invite ADD CONSTRAINT team_invite_uuid UNIQUE (uuid);
CREATE INDEX team_invite_invitee ON team_invite (account_id) WHERE account_id IS NOT NULL;
CREATE INDEX team_invite_invitee_email ON team_invite (lower(email)) WHERE email IS NOT NULL;
