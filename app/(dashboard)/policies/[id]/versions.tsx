"use client";

import * as React from "react";
import { useRouter } from "next/navigation";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { api } from "@/lib/client/api";
import type { PolicyVersionRow } from "@/lib/db/queries/policies";
import { summarizeEffects } from "@/lib/domain/policies/effects";
import { summarizeDiff } from "@/lib/domain/policies/line-diff";
import { DiffCounts, DiffView, EffectBadges } from "../code-view";
import { ActivateVersion, DiffToggle, VersionCells } from "../version-parts";
import { ChangeWarnings } from "./policy-actions";

/**
 * Every version, newest first, each comparable with the active one; admins activate a version
 * behind a confirmation with a reason.
 */
export function VersionHistory({
  policyId,
  name,
  activeVersion,
  versions,
  canManage,
}: {
  policyId: string;
  name: string;
  activeVersion: number | null;
  versions: PolicyVersionRow[];
  canManage: boolean;
}) {
  const router = useRouter();
  const active = versions.find((v) => v.version === activeVersion);
  // Open on the newest version that is not in force: usually the draft someone wants to review.
  const [compare, setCompare] = React.useState<number | null>(() => versions.find((v) => v.version !== activeVersion)?.version ?? null);
  const [warnings, setWarnings] = React.useState<string[]>([]);
  const shown = versions.find((v) => v.version === compare);
  // A version saved just now (the page refreshed) is what its author wants to compare next.
  const newest = versions[0]?.version;
  const seen = React.useRef(newest);
  React.useEffect(() => {
    if (newest === seen.current) return;
    seen.current = newest;
    if (newest !== undefined && newest !== activeVersion) setCompare(newest);
  }, [newest, activeVersion]);

  async function activate(version: number, reason: string) {
    const out = await api<{ warnings: string[] }>(`/api/v1/policies/${policyId}/activate`, { body: { version, reason } });
    setWarnings(out.warnings ?? []);
    setCompare(null);
    router.refresh();
  }

  return (
    <Card>
      <CardHeader>
        <CardTitle>Version history</CardTitle>
        <CardDescription>A saved version does nothing until it is activated; activating one replaces the active version everywhere within a second.</CardDescription>
      </CardHeader>
      <CardContent className="space-y-3">
        <ChangeWarnings warnings={warnings} />
        <div className="rounded-md border">
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>Version</TableHead>
                <TableHead>Comment</TableHead>
                <TableHead>By</TableHead>
                <TableHead>Saved</TableHead>
                <TableHead>Effect</TableHead>
                <TableHead>Change vs active</TableHead>
                <TableHead className="sr-only">Actions</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {versions.map((v) => {
                const isActive = v.version === activeVersion;
                const diff = active && !isActive ? summarizeDiff(active.cedar, v.cedar) : null;
                return (
                  <TableRow key={v.id} data-state={compare === v.version ? "selected" : undefined}>
                    <TableCell className="tabular-nums">
                      v{v.version} {isActive ? <Badge variant="success">active</Badge> : null}
                    </TableCell>
                    <VersionCells comment={v.comment} createdByName={v.createdByName} createdAt={v.createdAt} commentWidth="max-w-[20rem]" />
                    <TableCell>
                      <EffectBadges effects={summarizeEffects(v.cedar, v.onForbid)} />
                    </TableCell>
                    <TableCell className="text-xs tabular-nums">
                      <DiffCounts diff={diff} />
                    </TableCell>
                    <TableCell className="text-right">
                      <div className="flex justify-end gap-1">
                        {!isActive ? (
                          <DiffToggle version={v.version} compare={compare} setCompare={setCompare} />
                        ) : null}
                        {canManage && !isActive ? (
                          <ActivateVersion
                            version={v.version}
                            title={`Activate v${v.version} of ${name}?`}
                            description={
                              <>
                                It replaces {active ? `v${active.version}` : "nothing"} in every decision on every Warden instance within a second
                                {diff ? ` (+${diff.added} −${diff.removed} lines)` : ""}. Review the diff first.
                              </>
                            }
                            onConfirm={(reason) => activate(v.version, reason)}
                          />
                        ) : null}
                      </div>
                    </TableCell>
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        </div>
        {shown && active ? (
          <div className="space-y-2">
            <h3 className="text-sm font-medium">
              From active v{active.version} to v{shown.version}
            </h3>
            <DiffView before={active.cedar} after={shown.cedar} label={`Line diff from v${active.version} to v${shown.version}`} />
            {shown.onForbid !== active.onForbid ? (
              <p className="text-sm text-muted-foreground">
                Unannotated forbids: {active.onForbid} → {shown.onForbid}
              </p>
            ) : null}
          </div>
        ) : null}
      </CardContent>
    </Card>
  );
}
