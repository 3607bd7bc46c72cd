/**
 * Vendor user roles and the permission matrix (the table in docs/api.md is generated from the
 * same idea: each role includes everything of the roles below it).
 *
 * - member:  read everything of the vendor (campaigns, enrollments, users, reports)
 * - manager: + manage campaigns, versions, enrollments, overrides, rewards, rules, milestones
 * - admin:   + manage vendor users below admin, API keys of the vendor, integrations
 * - owner:   + manage admins and owners
 */
export type VendorRole = 'owner' | 'admin' | 'manager' | 'member';

export const vendorRoles: readonly VendorRole[] = ['member', 'manager', 'admin', 'owner'];

const rank: Record<VendorRole, number> = { member: 0, manager: 1, admin: 2, owner: 3 };

/** True when `role` is `minimum` or above. */
export function roleAtLeast(role: VendorRole, minimum: VendorRole): boolean {
  return rank[role] >= rank[minimum];
}

/**
 * Whether `actor` may grant `target` (or change/delete a user holding it): admins manage managers
 * and members; only owners manage admins and owners.
 */
export function canManageRole(actor: VendorRole, target: VendorRole): boolean {
  if (actor === 'owner') return true;
  if (actor === 'admin') return rank[target] < rank.admin;
  return false;
}
