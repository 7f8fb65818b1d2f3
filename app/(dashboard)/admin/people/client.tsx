"use client";

import * as React from "react";
import { useQueryClient } from "@tanstack/react-query";
import { UserPlus } from "lucide-react";
import { ConfirmDialog } from "@/components/confirm-dialog";
import type { Columns } from "@/components/data-table/columns";
import { DataTable } from "@/components/data-table/data-table";
import { FilterBar } from "@/components/data-table/filter-bar";
import { FormAlert, SubmitButton } from "@/components/form-parts";
import { OneTimeSecret } from "@/components/one-time-secret";
import { ROLE_LABELS, ROLES, type Role } from "@/components/shell/nav-items";
import { Time } from "@/components/time";
import { Badge, type BadgeProps } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { NativeSelect } from "@/components/ui/native-select";
import { api } from "@/lib/client/api";
import { useApiForm } from "@/lib/client/use-api-form";
import { useListQuery, type InitialPage } from "@/lib/client/use-list-query";
import type { PublicUser } from "@/lib/db/queries/users";

type Person = PublicUser;
type Reveal = { email: string; name: string; password: string; why: "created" | "reset" };

const ROLE_OPTIONS = ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] }));
const STATUS_OPTIONS = [
  { value: "active", label: "Active" },
  { value: "disabled", label: "Disabled" },
];
const ROLE_BADGE: Record<Role, BadgeProps["variant"]> = { admin: "info", analyst: "secondary", approver: "warning", auditor: "outline" };

export function PeopleClient({ initial, selfId }: { initial: InitialPage<Person>; selfId: string }) {
  const q = useListQuery<Person>("users", initial);
  const qc = useQueryClient();
  const [reveal, setReveal] = React.useState<Reveal | null>(null);
  const refresh = React.useCallback(() => qc.invalidateQueries({ queryKey: ["users"] }), [qc]);

  const columns = React.useMemo<Columns<Person>>(
    () => [
      {
        id: "name",
        header: "Name",
        meta: { sortKey: "name", defaultDir: "asc", className: "font-medium" },
        cell: ({ row: { original: p } }) => (
          <>
            {p.name}
            {p.id === selfId && <span className="ml-1.5 text-xs text-muted-foreground">(you)</span>}
          </>
        ),
      },
      { id: "email", header: "Email", meta: { sortKey: "email", className: "font-mono text-xs" }, cell: ({ row }) => row.original.email },
      {
        id: "role",
        header: "Role",
        meta: { sortKey: "role" },
        cell: ({ row: { original: p } }) => <Badge variant={ROLE_BADGE[p.role]}>{ROLE_LABELS[p.role]}</Badge>,
      },
      { id: "status", header: "Status", cell: ({ row }) => <PersonStatus person={row.original} /> },
      { id: "lastSignInAt", header: "Last sign-in", meta: { sortKey: "lastSignInAt", firstDir: "desc" }, cell: ({ row }) => <Time value={row.original.lastSignInAt} /> },
      { id: "createdAt", header: "Added", meta: { sortKey: "createdAt", firstDir: "desc" }, cell: ({ row }) => <Time value={row.original.createdAt} show="absolute" /> },
      {
        id: "actions",
        header: () => <span className="sr-only">Actions</span>,
        cell: ({ row: { original: p } }) => <RowActions person={p} isSelf={p.id === selfId} onChanged={refresh} onReveal={setReveal} />,
      },
    ],
    [selfId, refresh],
  );

  return (
    <div className="space-y-3">
      <DataTable
        query={q}
        columns={columns}
        label="People"
        errorMessage="The list of people could not be loaded."
        empty={{ title: "No people match", description: "Change the filters, or add a person." }}
        toolbar={
          <FilterBar
            searchLabel="Search people"
            searchPlaceholder="Name or email"
            filters={[
              { param: "role", label: "Role", options: ROLE_OPTIONS },
              { param: "status", label: "Status", options: STATUS_OPTIONS },
            ]}
            actions={
              <AddPersonDialog
                onCreated={(r) => {
                  refresh();
                  if (r) setReveal(r);
                }}
              />
            }
          />
        }
      />
      <OneTimePasswordDialog reveal={reveal} onClose={() => setReveal(null)} />
    </div>
  );
}

function PersonStatus({ person: p }: { person: Person }) {
  return (
    <div className="flex flex-wrap gap-1">
      {p.disabledAt ? (
        <Badge variant="destructive" title={p.disabledReason ?? undefined}>Disabled</Badge>
      ) : (
        <Badge variant="success">Active</Badge>
      )}
      {p.mustChangePassword && <Badge variant="muted">Must change password</Badge>}
    </div>
  );
}

/** Role select; a change only applies after a confirmation, because it ends the person's sessions. */
function RoleControl({ person, onChanged }: { person: Person; onChanged: () => void }) {
  const [next, setNext] = React.useState<Role>(person.role);
  React.useEffect(() => setNext(person.role), [person.role]);
  const id = `role-${person.id}`;
  return (
    <div className="flex items-center gap-1.5">
      <label htmlFor={id} className="sr-only">Change role for {person.name}</label>
      <NativeSelect id={id} value={next} onChange={(e) => setNext(e.target.value as Role)} wrapperClassName="w-28" className="h-7 text-xs">
        {ROLES.map((r) => (
          <option key={r} value={r}>{ROLE_LABELS[r]}</option>
        ))}
      </NativeSelect>
      {next !== person.role && (
        <>
          <ConfirmDialog
            title={`Make ${person.name} ${ROLE_LABELS[next].toLowerCase()}?`}
            description={`From ${ROLE_LABELS[person.role]} to ${ROLE_LABELS[next]}. Their browser sessions end now and they must sign in again; their API tokens carry the new role from the next request.`}
            confirmLabel="Change role"
            variant="default"
            requireReason={false}
            trigger={<Button size="sm">Apply</Button>}
            onConfirm={async () => {
              await api(`/api/v1/users/${person.id}`, { method: "PATCH", body: { role: next } });
              onChanged();
            }}
          />
          <Button size="sm" variant="ghost" onClick={() => setNext(person.role)}>Undo</Button>
        </>
      )}
    </div>
  );
}

function RowActions({
  person,
  isSelf,
  onChanged,
  onReveal,
}: {
  person: Person;
  isSelf: boolean;
  onChanged: () => void;
  onReveal: (r: Reveal) => void;
}) {
  // Your own role, status and password are changed by another admin (or under Settings).
  if (isSelf) return <span className="block text-right text-xs text-muted-foreground">Your account</span>;
  const post = (verb: string, body?: unknown) => api<{ oneTimePassword?: string }>(`/api/v1/users/${person.id}/${verb}`, { method: "POST", body });
  return (
    <div className="flex flex-wrap items-center justify-end gap-1">
      <RoleControl person={person} onChanged={onChanged} />
      {person.disabledAt ? (
        <ConfirmDialog
          title={`Enable ${person.name}?`}
          description="They can sign in again with their current password. API tokens revoked when they were disabled stay revoked."
          confirmLabel="Enable"
          variant="default"
          trigger={<Button size="sm" variant="outline">Enable</Button>}
          onConfirm={async (reason) => {
            await post("enable", { reason });
            onChanged();
          }}
        />
      ) : (
        <>
          <ConfirmDialog
            title={`Reset ${person.name}'s password?`}
            description="Their current password stops working and their browser sessions end now. You will see a one-time password once, to hand over; they must change it at their next sign-in."
            confirmLabel="Reset password"
            variant="default"
            requireReason={false}
            trigger={<Button size="sm" variant="ghost">Reset password</Button>}
            onConfirm={async () => {
              const r = await post("reset-password");
              onChanged();
              if (r.oneTimePassword) onReveal({ email: person.email, name: person.name, password: r.oneTimePassword, why: "reset" });
            }}
          />
          <ConfirmDialog
            title={`Disable ${person.name}?`}
            description="They are signed out everywhere at once, cannot sign in, and every API token they hold is revoked."
            confirmLabel="Disable"
            trigger={<Button size="sm" variant="ghost" className="text-destructive">Disable</Button>}
            onConfirm={async (reason) => {
              await post("disable", { reason });
              onChanged();
            }}
          />
        </>
      )}
    </div>
  );
}

type Created = { person: Person; oneTimePassword?: string };

function AddPersonDialog({ onCreated }: { onCreated: (reveal: Reveal | null) => void }) {
  const [open, setOpen] = React.useState(false);
  const { pending, fields, error, submit, reset } = useApiForm({
    fallback: "The person could not be added. Try again.",
    fieldsReplaceMessage: true,
  });

  function onOpenChange(next: boolean) {
    if (pending) return;
    setOpen(next);
    reset();
  }

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const password = String(f.get("password") ?? "");
    await submit(async () => {
      const r = await api<Created>("/api/v1/users", {
        body: {
          email: String(f.get("email") ?? ""),
          name: String(f.get("name") ?? ""),
          role: String(f.get("role") ?? ""),
          ...(password ? { password } : {}),
        },
      });
      setOpen(false);
      onCreated(r.oneTimePassword ? { email: r.person.email, name: r.person.name, password: r.oneTimePassword, why: "created" } : null);
    });
  }

  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogTrigger asChild>
        <Button size="sm">
          <UserPlus aria-hidden="true" />
          Add person
        </Button>
      </DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Add a person</DialogTitle>
          <DialogDescription>They sign in with their email and a password. Leave the password empty to generate a one-time one.</DialogDescription>
        </DialogHeader>
        <form onSubmit={onSubmit} className="grid gap-3" aria-busy={pending || undefined} noValidate>
          <FormField name="email" label="Email" required error={fields.email}>
            <Input type="email" autoComplete="off" spellCheck={false} maxLength={320} disabled={pending} />
          </FormField>
          <FormField name="name" label="Name" required error={fields.name}>
            <Input autoComplete="off" maxLength={200} disabled={pending} />
          </FormField>
          <FormField name="role" label="Role" required error={fields.role} description="Admins manage people, policies and connectors.">
            <NativeSelect defaultValue="analyst" disabled={pending}>
              {ROLES.map((r) => (
                <option key={r} value={r}>{ROLE_LABELS[r]}</option>
              ))}
            </NativeSelect>
          </FormField>
          <FormField
            name="password"
            label="Initial password"
            error={fields.password}
            description="Optional, at least 12 characters. Empty: Warden generates a one-time password that must be changed at first sign-in."
          >
            <Input type="password" autoComplete="new-password" maxLength={256} disabled={pending} />
          </FormField>
          <FormAlert message={error} />
          <DialogFooter>
            <SubmitButton pending={pending} pendingLabel="Adding…">
              Add person
            </SubmitButton>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

/** Shows a one-time password exactly once; closing the dialog forgets it for good. */
function OneTimePasswordDialog({ reveal, onClose }: { reveal: Reveal | null; onClose: () => void }) {
  return (
    <Dialog open={reveal !== null} onOpenChange={(o) => !o && onClose()}>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>{reveal?.why === "reset" ? "Password reset" : "Person added"}: copy the one-time password</DialogTitle>
          <DialogDescription>
            For {reveal?.name} ({reveal?.email}). Hand it over through a secure channel; they must choose a new password at their first sign-in.
          </DialogDescription>
        </DialogHeader>
        {reveal ? (
          <OneTimeSecret
            secret={reveal.password}
            copyLabel="Copy password"
            note="Warden keeps only a hash. If it is lost, reset the password again."
            legacyTestId="one-time-password"
            onDone={onClose}
          />
        ) : null}
      </DialogContent>
    </Dialog>
  );
}
