// A provider user made by a test with SQL belongs to their organisation as its first person does:
// they may do everything for it.
import type { Sql } from 'postgres';
import { organisationPermissions } from '../../machines/define.ts';

export async function fullMember(sql: Sql, email: string): Promise<void> {
  await sql`insert into memberships (user_id, organisation_id, permissions, accepted_at)
    select id, organisation_id, ${sql.array([...organisationPermissions])}, now() from users
    where lower(email) = lower(${email}) and role = 'provider'`;
}
