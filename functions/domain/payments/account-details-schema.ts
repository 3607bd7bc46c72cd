/**
 * What a partner may store as a payout destination, per provider. Strict objects: a field that is
 * not listed (a card number, a CVV, a PIN, anything) is a 400 naming it; payout destinations are
 * bank accounts and provider accounts, never cards.
 *
 * - wire: `iban` + `bic` (both checked with ibantools: the IBAN's mod-97 checksum and country
 *   format, the BIC's structure and country) or US `account_number` + `routing_number` (ABA
 *   checksum); `account_holder` optional.
 * - paypal: `email` in account_details, or the PayPal payer id as `provider_account_id`.
 * - stripe: nothing in account_details; the connected account id (`acct_…`) as `provider_account_id`.
 */
import { electronicFormatIBAN, isValidBIC, isValidIBAN } from 'ibantools';
import { z } from 'zod';
import { isValidAbaRoutingNumber } from './is-valid-aba-routing-number.js';

export const paymentProviderNames = ['stripe', 'paypal', 'wire'] as const;
export type PaymentProviderName = (typeof paymentProviderNames)[number];

const iban = z
  .string()
  .max(64)
  .transform((value) => electronicFormatIBAN(value) ?? '')
  .refine((value) => isValidIBAN(value), { message: 'Not a valid IBAN (country format or mod-97 checksum).' });

const bic = z
  .string()
  .trim()
  .max(11)
  .transform((value) => value.toUpperCase())
  .refine((value) => isValidBIC(value), { message: 'Not a valid BIC (8 or 11 characters: bank, country, location, branch).' });

const accountNumber = z.string().trim().regex(/^\d{4,17}$/, 'A US account number is 4 to 17 digits.');

const routingNumber = z
  .string()
  .trim()
  .refine(isValidAbaRoutingNumber, { message: 'Not a valid ABA routing number (9 digits, checksum).' });

/** A long digit run in a name is a card or account number typed in the wrong field: refused, not stored. */
const accountHolder = z
  .string()
  .trim()
  .min(1)
  .max(140)
  .refine((value) => !/\d(?:[ -]?\d){11,}/.test(value), { message: 'Must not contain a card or account number.' });

export const wireAccountDetailsSchema = z
  .strictObject({
    account_holder: accountHolder.optional(),
    iban: iban.optional(),
    bic: bic.optional(),
    account_number: accountNumber.optional(),
    routing_number: routingNumber.optional(),
  })
  .superRefine((details, ctx) => {
    const international = details.iban !== undefined || details.bic !== undefined;
    const us = details.account_number !== undefined || details.routing_number !== undefined;
    if (international && us) {
      ctx.addIssue({ code: 'custom', path: [], message: 'Send either iban + bic or account_number + routing_number, not both.' });
      return;
    }
    if (!international && !us) {
      ctx.addIssue({ code: 'custom', path: [], message: 'A wire destination needs iban + bic, or account_number + routing_number.' });
      return;
    }
    const [a, b] = international ? (['iban', 'bic'] as const) : (['account_number', 'routing_number'] as const);
    if (details[a] === undefined) ctx.addIssue({ code: 'custom', path: [a], message: `Required with ${b}.` });
    if (details[b] === undefined) ctx.addIssue({ code: 'custom', path: [b], message: `Required with ${a}.` });
  });

export const paypalAccountDetailsSchema = z.strictObject({
  email: z.email().max(254).transform((value) => value.toLowerCase()).optional(),
});

export const stripeAccountDetailsSchema = z.strictObject({});

/** A PayPal payer id: 13 upper-case letters and digits. */
export const paypalPayerId = z.string().trim().regex(/^[A-Z0-9]{13}$/, 'A PayPal payer id is 13 upper-case letters and digits.');
/** A Stripe connected account id. */
export const stripeAccountId = z.string().trim().regex(/^acct_[A-Za-z0-9]{1,250}$/, 'The Stripe connected account id (acct_…).');

export type WireAccountDetails = z.output<typeof wireAccountDetailsSchema>;
