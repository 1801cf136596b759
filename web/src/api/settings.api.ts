import { api } from './client';
import type { ApiKey, Member, Organization, Role, SecretInfo } from './types';

const enc = encodeURIComponent;

export const listApiKeys = () => api<{ items: ApiKey[] }>('GET', '/api/api-keys');
export const createApiKey = (name: string) => api<{ apiKey: ApiKey; key: string }>('POST', '/api/api-keys', { name });
export const revokeApiKey = (id: string) => api<void>('DELETE', `/api/api-keys/${enc(id)}`);

export const listOrgs = () => api<{ items: Organization[] }>('GET', '/api/orgs');
export const listMembers = (orgId: string) => api<{ items: Member[] }>('GET', `/api/orgs/${enc(orgId)}/members`);
export const setMemberRole = (orgId: string, userId: string, role: Role) =>
  api<Member>('PATCH', `/api/orgs/${enc(orgId)}/members/${enc(userId)}`, { role });
export const removeMember = (orgId: string, userId: string) => api<void>('DELETE', `/api/orgs/${enc(orgId)}/members/${enc(userId)}`);
export const inviteMember = (orgId: string, email: string, role: Role) =>
  api<{ token: string; acceptPath: string }>('POST', `/api/orgs/${enc(orgId)}/invitations`, { email, role });

export const listSecrets = () => api<{ items: SecretInfo[] }>('GET', '/api/secrets');
export const putSecret = (name: string, value: string) => api<SecretInfo>('PUT', `/api/secrets/${enc(name)}`, { value });
export const deleteSecret = (name: string) => api<void>('DELETE', `/api/secrets/${enc(name)}`);
