import { defineConfig } from 'drizzle-kit';

// Run from the repository root: npm run db:generate -- --name <what_changed>. Migrations are append-only:
// drizzle-kit adds the next numbered file from the last snapshot; a shipped migration is never rewritten.
export default defineConfig({
  dialect: 'sqlite',
  schema: './src-main/core/store/schema.ts',
  out: './drizzle',
});
