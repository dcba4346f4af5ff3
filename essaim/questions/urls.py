from django.urls import path

from essaim.questions import views

app_name = "questions"

urlpatterns = [
    path("posts/<int:post_id>/answers/<int:answer_id>/vote", views.answer_vote, name="answer-vote"),
    path("posts/<int:post_id>/accepted-answer", views.answer_accept, name="answer-accept"),
    path("posts/<int:post_id>/follow-question", views.question_follow, name="question-follow"),
    path("questions/unanswered", views.unanswered, name="unanswered"),
]
