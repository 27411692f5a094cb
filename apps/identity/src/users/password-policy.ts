import { passwordProblem } from '@quire/auth';
import { DomainError } from '@quire/errors';

export function requirePasswordPolicy(password: string): void {
  const problem = passwordProblem(password);
  if (problem) throw DomainError.validation(problem, { fields: { password: [problem] } });
}
