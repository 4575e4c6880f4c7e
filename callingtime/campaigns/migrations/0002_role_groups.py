"""Create one Django group per staff role, holding that role's campaign permissions."""

from django.db import migrations

from callingtime.campaigns.roles import ROLE_CAPABILITIES


def groups_create(apps, schema_editor):  # type: ignore[no-untyped-def]
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; the groups need them now.
    for config in apps.get_app_configs():
        config.models_module = True
        create_permissions(config, verbosity=0)
        config.models_module = None
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for role, capabilities in ROLE_CAPABILITIES.items():
        group, _ = group_model.objects.get_or_create(name=str(role))
        permissions = permission_model.objects.filter(
            content_type__app_label="campaigns",
            content_type__model="campaign",
            codename__in=[str(c) for c in capabilities],
        )
        group.permissions.set(permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(groups_create, migrations.RunPython.noop)]
