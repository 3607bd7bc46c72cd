/**
 * The ABA routing transit number check (nine digits, weights 3-7-1 repeated, sum divisible by
 * 10), as the Federal Reserve publishes it. Catches every single-digit typo and most transpositions.
 */
export function isValidAbaRoutingNumber(value: string): boolean {
  if (!/^\d{9}$/.test(value)) return false;
  const weights = [3, 7, 1, 3, 7, 1, 3, 7, 1];
  const sum = [...value].reduce((total, digit, index) => total + Number(digit) * weights[index]!, 0);
  return sum % 10 === 0 && value !== '000000000';
}
