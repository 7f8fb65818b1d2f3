import { FormField } from "@/components/ui/form-field";
import { NativeSelect } from "@/components/ui/native-select";

export type OwnerOption = { id: string; name: string };

/** The accountable person for an agent or a connector (`ownerId`); empty means nobody yet. */
export function OwnerField({ owners, defaultValue, error }: { owners: OwnerOption[]; defaultValue: string | null | undefined; error?: string }) {
  return (
    <FormField name="ownerId" label="Owner" error={error}>
      <NativeSelect defaultValue={defaultValue ?? ""}>
        <option value="">No owner</option>
        {owners.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
          </option>
        ))}
      </NativeSelect>
    </FormField>
  );
}
