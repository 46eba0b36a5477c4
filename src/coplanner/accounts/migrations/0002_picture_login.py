"""Picture logins, login attempts and adult account state."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_role_groups"),
        ("roster", "0002_district_and_source_ids"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AccountState",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("must_change_password", models.BooleanField(default=False)),
                ("password_reset_at", models.DateTimeField(blank=True, null=True)),
                (
                    "password_reset_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="ClassroomLogin",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("token", models.CharField(max_length=64, unique=True)),
                (
                    "token_created_at",
                    models.DateTimeField(default=django.utils.timezone.now),
                ),
                (
                    "classroom",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="picture_login",
                        to="roster.classroom",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="StudentLogin",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                (
                    "animal",
                    models.CharField(
                        choices=[
                            ("cat", "cat"),
                            ("bear", "bear"),
                            ("rabbit", "rabbit"),
                            ("fish", "fish"),
                            ("bird", "bird"),
                            ("owl", "owl"),
                            ("mouse", "mouse"),
                            ("frog", "frog"),
                        ],
                        max_length=16,
                    ),
                ),
                (
                    "colour",
                    models.CharField(
                        choices=[
                            ("blue", "blue"),
                            ("red", "red"),
                            ("green", "green"),
                            ("orange", "orange"),
                            ("purple", "purple"),
                            ("pink", "pink"),
                            ("yellow", "yellow"),
                            ("teal", "teal"),
                        ],
                        max_length=16,
                    ),
                ),
                ("picture_password", models.CharField(blank=True, max_length=256)),
                (
                    "picture_password_set_at",
                    models.DateTimeField(blank=True, null=True),
                ),
                ("failed_attempts", models.PositiveSmallIntegerField(default=0)),
                ("locked_until", models.DateTimeField(blank=True, null=True)),
                ("badge_version", models.PositiveIntegerField(default=0)),
                ("badge_printed_at", models.DateTimeField(blank=True, null=True)),
                (
                    "student",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="picture_login",
                        to="roster.student",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="LoginAttempt",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[("pictures", "Picture password"), ("badge", "Badge")],
                        max_length=16,
                    ),
                ),
                ("ip_address", models.GenericIPAddressField(blank=True, null=True)),
                ("device", models.CharField(blank=True, max_length=64)),
                ("succeeded", models.BooleanField()),
                ("forgiven", models.BooleanField(default=False)),
                ("at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "classroom",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="roster.classroom",
                    ),
                ),
                (
                    "student",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="roster.student",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        condition=models.Q(("forgiven", False), ("succeeded", False)),
                        fields=["device", "at"],
                        name="attempt_failed_by_device",
                    ),
                    models.Index(
                        condition=models.Q(("forgiven", False), ("succeeded", False)),
                        fields=["ip_address", "at"],
                        name="attempt_failed_by_ip",
                    ),
                ],
            },
        ),
    ]
